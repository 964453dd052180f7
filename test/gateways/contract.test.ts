import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError, type FailureKind, type OutgoingMessage } from '../../src/gateways/gateway.js';
import type { AdapterHarness, HarnessInstance } from './harness.js';

/** The same promises, checked for every adapter against a fake of its provider. */
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'harnesses');
const harnesses: AdapterHarness[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  harnesses.push(((await import(path.join(dir, file))) as { default: AdapterHarness }).default);
}

const message = (): OutgoingMessage => ({ to: '6281234567890', text: 'Halo Budi', reference: '42' });

for (const harness of harnesses) {
  describe(`gateway contract: ${harness.provider}`, () => {
    let h: HarnessInstance;
    before(async () => {
      h = await harness.start();
    });
    after(() => h.close());

    async function failsAs(kind: FailureKind, signal = AbortSignal.timeout(5_000), onSent?: () => void): Promise<GatewayError> {
      const error = await h.gateway.send(message(), signal, onSent).then(
        () => assert.fail('the send should have failed'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof GatewayError, `a GatewayError, not ${String(error)}`);
      assert.equal(error.kind, kind, error.message);
      for (const secret of h.secrets) assert.ok(!error.message.includes(secret), 'a secret leaked into an error message');
      return error;
    }

    it('returns the provider message id on success', async () => {
      h.set('success');
      const result = await h.gateway.send(message(), AbortSignal.timeout(5_000));
      if (harness.returnsMessageId) assert.ok(result.providerMessageId && result.providerMessageId.length > 0);
      else assert.equal(result.providerMessageId, null);
    });

    it('fails the recipient the provider refuses', async () => {
      h.set('recipient_error');
      await failsAs('recipient');
    });

    it('stops the number on an account-level error', async () => {
      h.set('account_error');
      await failsAs('account');
    });

    it('retries later on a server error', async () => {
      h.set('server_error');
      await failsAs('transient');
    });

    it('waits as told when rate limited', async () => {
      h.set('rate_limited_7s');
      const error = await failsAs('rate_limited');
      assert.equal(error.retryAfterMs, 7_000);
    });

    it('calls a time-out an unknown outcome, never a retry', async () => {
      h.set('hang');
      const before = h.sends();
      await failsAs('unknown_outcome', AbortSignal.timeout(300));
      assert.equal(h.sends(), before + 1, 'the request did reach the provider');
    });

    it('retries later when the connection is refused', async () => {
      let written = 0;
      const error = await h.unreachable().send(message(), AbortSignal.timeout(5_000), () => (written += 1)).then(
        () => assert.fail('should fail'),
        (e: unknown) => e as GatewayError,
      );
      assert.equal(error.kind, 'transient');
      assert.equal(written, 0, 'no request was written, so none may count against the rate');
    });

    it('says when the request was written, not when it was answered (the moment a rate limit counts)', async () => {
      h.set('hang');
      const before = h.sends();
      const written: number[] = [];
      await failsAs('unknown_outcome', AbortSignal.timeout(300), () => written.push(h.sends()));
      // Called once, as the request left: the provider had not read it yet, and never answered it.
      assert.deepEqual(written, [before]);
      assert.equal(h.sends(), before + 1);
    });

    if (harness.supportsFailureInside200) {
      it('reads a failure reported inside HTTP 200', async () => {
        h.set('failure_inside_200');
        await failsAs('recipient');
      });
    }
  });
}
