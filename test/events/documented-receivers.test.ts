import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mobileNumber, startTestService, waitFor, type TestService } from '../helpers.js';
import { spawnNode, type ServiceProcess } from '../process-helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';
import { signatureHeader } from '../../src/events/signature.js';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs');
const TOKEN = 'fonnte-documented-receiver-token';

/** The one ```js block under `heading` in a document of docs/, as an integrator would copy it. */
function jsBlockUnder(file: string, heading: string): string {
  const lines = readFileSync(path.join(DOCS, file), 'utf8').split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `${file} has no heading "${heading}"`);
  const blocks: string[] = [];
  let fence: string | undefined;
  let block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (fence === undefined && /^#{1,3} /.test(line)) break; // the next section
    if (line.startsWith('```')) {
      if (fence === 'js') blocks.push(block.join('\n'));
      fence = fence === undefined ? line.slice(3) : undefined;
      block = [];
    } else if (fence !== undefined) {
      block.push(line);
    }
  }
  assert.equal(blocks.length, 1, `${file} "${heading}": expected one js block`);
  return blocks[0]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The receiver, running as its own process: the snippet's text, unchanged, in a .mjs file. */
async function runSnippet(code: string, secret: string, port: number, dir: string): Promise<ServiceProcess> {
  const file = path.join(dir, `receiver-${port}.mjs`);
  writeFileSync(file, code);
  const proc = spawnNode([file], { WHATSAPP_BLAST_WEBHOOK_SECRET: secret, PORT: String(port) }, dir);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).catch(() => undefined))?.status, 20_000, 'the receiver to listen');
  return proc;
}

const SNIPPETS = [
  ['integration.md', '## Receive events'],
  ['webhooks.md', '### Verify the signature'],
] as const;

describe('the receivers the docs show verify real deliveries', () => {
  let fake: FakeFonnte;
  let svc: TestService;
  let dir: string;
  const receivers: ServiceProcess[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wb-documented-receiver-'));
    fake = await startFakeFonnte({ token: TOKEN });
    svc = await startTestService({ WA_GATEWAY: 'fonnte', FONNTE_TOKEN: TOKEN, FONNTE_BASE_URL: fake.url, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  });
  after(async () => {
    for (const r of receivers) {
      r.child.kill();
      await r.exited;
    }
    await svc?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [file, heading] of SNIPPETS) {
    it(`${file}: accepts the service's signed events, refuses forged and stale ones`, async () => {
      const code = jsBlockUnder(file, heading);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/hooks/whatsapp-blast`;
      const created = await svc.api.post('/api/v1/webhooks', { url, events: ['blast.completed', 'message.sent'] });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { id: subscriptionId, secret } = created.body.data as { id: number; secret: string };
      const receiver = await runSnippet(code, secret, port, dir);
      receivers.push(receiver);

      // Deliveries the service signs: an integrator's customer (own id) in a blast.
      const customerId = 700_000 + port;
      const saved = await svc.api.post('/api/v1/customers', { id: customerId, name: 'Budi', phone: mobileNumber(port) });
      assert.equal(saved.status, 201, JSON.stringify(saved.body));
      const blast = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: [customerId], message: 'Halo {name}' });
      assert.equal(blast.status, 202, JSON.stringify(blast.body));
      const blastId = Number(blast.body.blast_id);
      await svc.api.waitForBlast(blastId);

      // The service marks a delivery delivered only on a 2xx, and the snippet answers 2xx only
      // to a request whose signature it verified; it then handled (printed) the events.
      const deliveries = await waitFor(async () => {
        const res = await svc.api.get(`/api/v1/webhooks/${subscriptionId}/deliveries`);
        return res.body.data.length === 2 && res.body.data.every((d: any) => d.status === 'delivered' && d.attempts === 1) ? res.body.data : undefined;
      }, 30_000, 'both events delivered at the first attempt');
      assert.deepEqual(deliveries.map((d: any) => d.event.type).sort(), ['blast.completed', 'message.sent']);
      const printed = () => receiver.lines.join('\n');
      await waitFor(async () => ['blast.completed', 'message.sent', String(customerId)].every((s) => printed().includes(s)), 10_000, 'the receiver to print both events');

      // Forged, tampered and replayed requests are refused with 401.
      const body = JSON.stringify({ events: [{ id: 'forged', type: 'blast.completed', created_at: new Date().toISOString(), data: { blast_id: 1 } }] });
      const now = Math.floor(Date.now() / 1000);
      const post = (headers: Record<string, string>, payload = body) =>
        fetch(`http://127.0.0.1:${port}/hooks/whatsapp-blast`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
      assert.equal((await post({})).status, 401, 'no signature');
      assert.equal((await post({ 'x-whatsapp-blast-signature': signatureHeader('whsec_not-the-secret', body, now) })).status, 401, 'another key');
      assert.equal((await post({ 'x-whatsapp-blast-signature': signatureHeader(secret, body, now) }, body.replace('forged', 'forgeD'))).status, 401, 'body changed');
      assert.equal((await post({ 'x-whatsapp-blast-signature': signatureHeader(secret, body, now - 600) })).status, 401, 'ten minutes old');
      // The same request signed with the secret, now, is accepted: the refusals above are the signature's.
      assert.equal((await post({ 'x-whatsapp-blast-signature': signatureHeader(secret, body, now) })).status, 204);
    });
  }
});
