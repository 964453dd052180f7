import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, type TestService } from '../helpers.js';

/** Reads an SSE stream to its end and returns the events in order. */
async function readEvents(url: string, token: string): Promise<{ event: string; data: any }[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) };
    });
}

describe('GET /api/v1/whatsapp/blast/:id/events', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ SEND_DELAY_MIN_MS: '150', SEND_DELAY_MAX_MS: '200' });
  });
  after(() => svc.stop());

  it('streams progress as the counts move, then ends when the blast is final', async () => {
    const customers = await svc.api.createCustomers(Array.from({ length: 6 }, (_, i) => ({ name: `E${i}`, phone: mobileNumber(i) })));
    const blastId = await svc.api.blastTo(customers);
    const events = await readEvents(`${svc.url}/api/v1/whatsapp/blast/${blastId}/events`, svc.api.token!);
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data);
    assert.ok(progress.length >= 3, `several progress events, got ${progress.length}`);
    const sent = progress.map((p) => p.sent_count);
    assert.deepEqual(sent, [...sent].sort((a, b) => a - b), 'counts only move forward');
    assert.equal(progress.at(-1).sent_count, 6);
    assert.deepEqual(events.at(-1), { event: 'end', data: { status: 'completed' } });
  });

  it('answers 404 for an unknown blast and 401 without a token', async () => {
    assertError(await svc.api.get('/api/v1/whatsapp/blast/999999/events'), 404);
    const anonymous = await fetch(`${svc.url}/api/v1/whatsapp/blast/1/events`);
    assert.equal(anonymous.status, 401);
  });
});
