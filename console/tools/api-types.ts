import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startService } from '../../src/server.js';

/** Where the console's API types live (committed: the console is type-checked against them). */
export const API_TYPES_FILE = new URL('../src/api/schema.d.ts', import.meta.url);

const HEADER = `/**
 * Generated from the service's OpenAPI document by \`npm run console:api\`: do not edit.
 * test/console/api-types.test.ts fails when it no longer matches /openapi.json.
 */

`;

/** The console's TypeScript types for the API described by `document` (an OpenAPI 3.1 object). */
export async function apiTypesFor(document: unknown): Promise<string> {
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}

/** The service's OpenAPI document, from an API started on a throw-away embedded database. */
export async function currentOpenApiDocument(): Promise<unknown> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wb-openapi-'));
  try {
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', ROLE: 'api', LOG_LEVEL: 'silent', QUIET_HOURS: 'off' });
    const service = await startService(config, createLogger('silent'));
    try {
      await service.app!.ready();
      return service.app!.swagger();
    } finally {
      await service.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
