import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_TYPES_FILE, apiTypesFor, currentOpenApiDocument } from './api-types.js';

/** `npm run console:api`: regenerates console/src/api/schema.d.ts after the API changed. */
writeFileSync(API_TYPES_FILE, await apiTypesFor(await currentOpenApiDocument()));
console.log(`wrote ${fileURLToPath(API_TYPES_FILE)}`);
