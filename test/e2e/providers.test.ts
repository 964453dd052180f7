import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mobileNumber, TINY_PNG, startTestService, type TestService } from '../helpers.js';
import { providerPacing } from '../../src/senders/pacing.js';
import type { AdapterHarness, HarnessInstance } from '../gateways/harness.js';

/** A real blast through every provider's adapter and fake: text, image, template where supported. */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../gateways/harnesses');
const harnesses: AdapterHarness[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  harnesses.push(((await import(path.join(dir, file))) as { default: AdapterHarness }).default);
}

for (const harness of harnesses) {
  describe(`end to end through ${harness.provider}`, () => {
    let h: HarnessInstance;
    let svc: TestService;
    let offset = 0;
    before(async () => {
      h = await harness.start();
      svc = await startTestService({ ...h.env, PUBLIC_BASE_URL: 'https://blast.example.test' });
    });
    after(async () => {
      await svc.stop();
      await h.close();
    });

    async function blast(body: Record<string, unknown> | FormData, count = 2) {
      const customers = await svc.api.createCustomers(
        Array.from({ length: count }, (_, i) => ({ name: `Nama${offset + i}`, phone: mobileNumber(offset + i), attributes: { kota: `Kota${offset + i}` } })),
      );
      offset += count;
      const ids = JSON.stringify(customers.map((c) => c.id));
      let res;
      if (body instanceof FormData) {
        body.set('customer_ids', ids);
        res = await svc.api.request('POST', '/api/v1/whatsapp/blast', undefined, { raw: body });
      } else {
        res = await svc.api.post('/api/v1/whatsapp/blast', { ...body, customer_ids: JSON.parse(ids) });
      }
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const done = await svc.api.waitForBlast(res.body.blast_id);
      return { done, logs: await svc.api.allLogs(done.id), numbers: customers.map((_, i) => `6281200000${String(offset - count + i).padStart(3, '0')}`) };
    }

    it('sends rendered text and records the provider message id', async () => {
      h.set('success');
      const before = h.decodedSends().length;
      const { done, logs, numbers } = await blast({ target_type: 'selected', message: 'Halo {name} dari {kota}' });
      assert.deepEqual([done.status, done.sent_count], ['completed', 2]);
      const sends = h.decodedSends().slice(before);
      assert.deepEqual(sends.map((s) => s.to).sort(), numbers.sort());
      assert.ok(sends.every((s) => /^Halo Nama\d+ dari Kota\d+$/.test(s.text ?? '') && !s.image));
      if (harness.returnsMessageId) assert.equal(new Set(logs.map((l) => l.provider_message_id).filter(Boolean)).size, 2);
      else assert.ok(logs.every((l) => l.provider_message_id === null));
    });

    it('sends an image with the caption', async () => {
      h.set('success');
      const before = h.decodedSends().length;
      const form = new FormData();
      form.set('target_type', 'selected');
      form.set('message', 'Promo untuk {name}');
      form.set('image', new Blob([TINY_PNG]), 'promo.png');
      const { done } = await blast(form);
      assert.equal(done.sent_count, 2);
      const sends = h.decodedSends().slice(before);
      assert.ok(sends.length === 2 && sends.every((s) => s.image && /^Promo untuk Nama\d+$/.test(s.text ?? '')), JSON.stringify(sends));
    });

    if (harness.supportsTemplates) {
      it('sends an approved template with per-recipient parameters', async () => {
        h.set('success');
        const before = h.decodedSends().length;
        const { done } = await blast({
          target_type: 'selected',
          template: { name: harness.provider === 'twilio' ? 'HXb5b62575e6e4ff6129ad7c8efe1f983e' : 'promo_juni', language: 'id', body_params: ['{name}', '{kota}'] },
        });
        assert.equal(done.sent_count, 2);
        const sends = h.decodedSends().slice(before);
        assert.ok(sends.every((s) => s.template && /^Nama\d+$/.test(s.template.params[0]!) && /^Kota\d+$/.test(s.template.params[1]!)), JSON.stringify(sends));
      });
    }

    it('stops the number after the attempts already in flight on an account-level error, failing nobody', async () => {
      h.set('account_error');
      const before = h.sends();
      const customers = await svc.api.createCustomers([0, 1, 2].map((i) => ({ name: `A${i}`, phone: mobileNumber(800 + offset + i) })));
      offset += 3;
      const blastId = await svc.api.blastTo(customers);
      const stopped = await svc.api.waitForBlast(blastId, (b) => b.waiting !== null);
      assert.equal(stopped.waiting.reason, 'no_sender');
      assert.match(stopped.waiting.message, new RegExp(`^every sender is paused: default \\(${harness.provider}`));
      await new Promise((r) => setTimeout(r, 200));
      // One phone: one attempt. Meta, Twilio: every request in flight when the first answer came (up to 3 here).
      const inFlight = Math.min(3, providerPacing(harness.provider).maxInFlight);
      const attempts = h.sends() - before;
      assert.ok(attempts >= 1 && attempts <= inFlight, `${attempts} attempts with ${inFlight} in flight`);
      const logs = await svc.api.allLogs(stopped.id);
      assert.ok(logs.every((l) => l.status === 'pending'));
      for (const secret of h.secrets) assert.ok(!svc.logs.some((line) => line.includes(secret)), 'a secret reached the logs');
    });
  });
}
