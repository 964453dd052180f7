/** Names for the API's shapes the pages use, all taken from the generated schema.d.ts. */
import type { paths } from './schema';

/** The JSON body of an operation's 200 (or other) answer. */
export type Answer<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

/** The JSON body an operation accepts. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type Blast = Answer<'/api/v1/whatsapp/blast/history', 'get'>['data'][number];
export type BlastDetail = Answer<'/api/v1/whatsapp/blast/{id}', 'get'>['data'];
export type BlastLog = Answer<'/api/v1/whatsapp/blast/{id}/logs', 'get'>['data'][number];
export type BlastRequest = Body<'/api/v1/whatsapp/blast', 'post'>;
export type BlastPreview = Answer<'/api/v1/whatsapp/blast/preview', 'post'>;
export type Customer = Answer<'/api/v1/customers', 'get'>['data'][number];
export type Sender = Answer<'/api/v1/senders', 'get'>['data'][number];

// --- Customers and senders pages (console2) ---
export type CustomerImportResult = Answer<'/api/v1/customers/import', 'post'>;
export type SenderProvider = Answer<'/api/v1/senders/providers', 'get'>['data'][number];
export type SenderCreate = Body<'/api/v1/senders', 'post'>;
export type SenderPatch = Body<'/api/v1/senders/{id}', 'patch'>;
