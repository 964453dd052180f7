import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_TYPES_FILE, apiTypesFor } from '../../console/tools/api-types.js';
import { startTestService, type TestService } from '../helpers.js';

describe("the console's API types", () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc?.stop());

  it('are generated from the live /openapi.json (run `npm run console:api` after changing the API)', async () => {
    const document = await (await fetch(`${svc.url}/openapi.json`)).json();
    const generated = await apiTypesFor(document);
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    assert.ok(generated.includes('"/api/v1/whatsapp/blast/history"'), 'the generator saw the blast routes');
    assert.ok(committed === generated, 'console/src/api/schema.d.ts differs from the API: run `npm run console:api` and commit it');
  });
});
