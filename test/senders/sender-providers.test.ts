import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers.js';

describe('GET /api/v1/senders/providers', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(() => svc.stop());

  it('answers 401 without a token', async () => {
    const res = await fetch(`${svc.url}/api/v1/senders/providers`);
    assert.equal(res.status, 401);
  });

  it('lists every provider with the credentials it takes: required, secret, defaults and choices', async () => {
    const res = await svc.api.get('/api/v1/senders/providers');
    assert.equal(res.status, 200);
    const byName = new Map<string, { credentials: { name: string; required: boolean; secret: boolean; default: string | null; choices: string[] | null }[] }>(
      res.body.data.map((p: { name: string }) => [p.name, p]),
    );
    assert.deepEqual([...byName.keys()], ['fonnte', 'log', 'meta', 'twilio', 'watzap']);
    assert.deepEqual(byName.get('log')!.credentials, []);

    const fonnte = new Map(byName.get('fonnte')!.credentials.map((c) => [c.name, c]));
    assert.deepEqual(fonnte.get('FONNTE_TOKEN'), { name: 'FONNTE_TOKEN', required: true, secret: true, default: null, choices: null });
    assert.deepEqual(fonnte.get('FONNTE_BASE_URL'), { name: 'FONNTE_BASE_URL', required: false, secret: false, default: 'https://api.fonnte.com', choices: null });
    assert.equal(fonnte.get('FONNTE_WEBHOOK_TOKEN')?.required, false);
    assert.equal(fonnte.get('FONNTE_WEBHOOK_TOKEN')?.secret, true);

    const meta = new Map(byName.get('meta')!.credentials.map((c) => [c.name, c]));
    assert.deepEqual(meta.get('META_IMAGE_MODE')?.choices, ['upload', 'link']);
    assert.equal(meta.get('META_IMAGE_MODE')?.default, 'upload');
    assert.deepEqual(meta.get('META_REQUIRE_TEMPLATE')?.choices, ['true', 'false']);
    assert.equal(meta.get('META_PHONE_NUMBER_ID')?.required, true);
  });
});
