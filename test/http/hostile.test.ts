import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, mobileNumber, startTestService, type ApiResponse, type TestService } from '../helpers.js';
import { assertRawError, databaseFingerprint, multipartBody, rawRequest } from './hostile-support.js';

/**
 * Requests an attacker (or a broken client) sends: each is a 4xx in our error shape, answered
 * promptly, and changes nothing in the database. Issue 10, items 1 to 4.
 */

const BOUNDARY = 'hostile-boundary';
const MULTIPART_ROUTES = ['/api/v1/customers/import', '/api/v1/whatsapp/blast'];
const CSV = 'name,phone\nBudi,081200000099\n';
const csvPart = (content: string | Buffer = CSV, headers = ['Content-Disposition: form-data; name="file"; filename="c.csv"', 'Content-Type: text/csv']) => ({ headers, content });

describe('hostile requests', () => {
  let svc: TestService;
  let customerIds: number[];
  let blastId: number;

  const send = (method: string, path: string, init: { headers?: Record<string, string>; body?: string | Buffer } = {}) =>
    svc.api.request(method, path, undefined, { headers: init.headers, raw: typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body) });
  /** Runs the requests and asserts that none of them wrote anything. */
  async function changesNothing(run: () => Promise<void>): Promise<void> {
    const before = await databaseFingerprint(svc.service.database);
    await run();
    assert.equal(await databaseFingerprint(svc.service.database), before, 'a rejected request changed the database');
  }

  before(async () => {
    // No worker: nothing but the requests themselves may write.
    svc = await startTestService({ ROLE: 'api' });
    customerIds = (await svc.api.createCustomers(Array.from({ length: 20 }, (_, i) => ({ name: `C${i + 1}`, phone: mobileNumber(i + 1) })))).map((c) => c.id);
    const blast = await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' });
    assert.equal(blast.status, 202, JSON.stringify(blast.body));
    blastId = blast.body.blast_id;
  });
  after(() => svc?.stop());

  it('answers malformed multipart with a 400 on both upload routes: no boundary, another boundary, cut short', async () => {
    const bodies: Record<string, Buffer> = {
      '/api/v1/customers/import': multipartBody(BOUNDARY, [csvPart()]),
      '/api/v1/whatsapp/blast': multipartBody(BOUNDARY, [
        { headers: ['Content-Disposition: form-data; name="target_type"'], content: 'all' },
        { headers: ['Content-Disposition: form-data; name="message"'], content: 'Halo {name}, a message long enough to be cut in the middle' },
      ]),
    };
    await changesNothing(async () => {
      for (const route of MULTIPART_ROUTES) {
        const body = bodies[route]!;
        assertError(await send('POST', route, { headers: { 'content-type': 'multipart/form-data' }, body }), 400);
        assertError(await send('POST', route, { headers: { 'content-type': 'multipart/form-data; boundary=another' }, body }), 400);
        for (const cut of [20, 80, body.length - 10]) {
          assertError(await send('POST', route, { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: body.subarray(0, cut) }), 400);
        }
      }
    });
  });

  it('answers a part without Content-Disposition at once, whatever its size (it used to stall until the socket timed out)', async () => {
    // Sizes around busboy's 16 KiB part buffer and well past it: the stall came when one socket
    // chunk overfilled the skipped part and also carried the closing boundary.
    for (const route of MULTIPART_ROUTES) {
      for (const size of [17_000, 40_000, 100_000, 1024 * 1024]) {
        const body = multipartBody(BOUNDARY, [{ headers: ['Content-Type: text/csv'], content: 'x'.repeat(size) }]);
        const started = Date.now();
        const res = await send('POST', route, { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body });
        assertError(res, 422);
        assert.ok(Date.now() - started < 5000, `${route} with a ${size}-byte nameless part took ${Date.now() - started} ms`);
      }
    }
  });

  it('refuses odd part headers and a NUL inside the CSV without a 500', async () => {
    const oddHeaders = [
      ['Content-Disposition: form-data; name="file"; filename="c.csv"', 'Content-Type: text/csv; charset'],
      ['Content-Disposition: form-data; name="file"; filename="c.csv"', 'Content-Type: ; charset=;'],
      ['Content-Disposition: form-data; name*=utf-8\'\'file; filename*=\'\'c.csv'],
      ['Content-Disposition: attachment; name="file"'],
      ['Content-Disposition: form-data; name="file"; filename="c.csv"', 'Content-Transfer-Encoding: base64'],
    ];
    for (const headers of oddHeaders) {
      const res = await send('POST', '/api/v1/customers/import', {
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        body: multipartBody(BOUNDARY, [csvPart('name,phone\n', headers)]),
      });
      assert.ok(res.status < 500, `${headers.join(' | ')}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    // Past the first chunk (which is checked for binary content), a NUL rejects its row only.
    const csv = `name,phone\n${'Budi,081200000001\n'.repeat(5000)}Bad\u0000Row,081200000002\n`;
    const res = await send('POST', '/api/v1/customers/import', {
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: multipartBody(BOUNDARY, [csvPart(csv)]),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.rejected, 1);
    assert.match(res.body.rejected_rows[0].reason, /NUL/);
  });

  it('answers query numbers that are huge, not decimal or not numbers with a 422', async () => {
    const lists = ['/api/v1/customers', '/api/v1/whatsapp/blast/history', `/api/v1/whatsapp/blast/${blastId}/logs`];
    const values = ['1e309', '99999999999999999999', 'Infinity', '-Infinity', 'NaN', '0x10', '1e3', '1.5', ' 1', '+1', '0', '-1', ''];
    await changesNothing(async () => {
      for (const list of lists) {
        const sample = await svc.api.get(`${list}?page=1`);
        if (sample.body.meta?.page === undefined) continue; // a list without paging
        for (const name of ['page', 'per_page']) {
          for (const value of values) assertError(await svc.api.get(`${list}?${name}=${encodeURIComponent(value)}`), 422, name);
        }
        const last = await svc.api.get(`${list}?page=1000000000&per_page=100`);
        assert.equal(last.status, 200, JSON.stringify(last.body));
        assert.deepEqual(last.body.data, []);
      }
      for (const value of ['1e20', '99999999999999999999', '0x10', '-1']) {
        assertError(await svc.api.get(`/api/v1/whatsapp/blast/${blastId}/logs?cursor=${value}`), 422, 'cursor');
      }
    });
  });

  it('answers a path id that is not a plain decimal in range with a 404 on every /:id route, and changes nothing', async () => {
    const document = (await svc.api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths).filter(([path]) => path.includes('{id}'));
    assert.ok(routes.length >= 8, `only ${routes.length} /{id} routes`);
    const ids = ['1e20', '99999999999999999999', 'Infinity', '1.2e29', '0x10', '0X10', '0b1', '0o20', '1.0', '16.', '%2016', '16%20', '+16', '-16', '0', '00', '9007199254740992', 'NaN', 'null', '[16]'];
    // Customer 16 exists: `0x10` used to reach it.
    assert.ok(customerIds.includes(16));
    await changesNothing(async () => {
      for (const [path, operations] of routes) {
        for (const method of Object.keys(operations)) {
          for (const id of ids) {
            const res: ApiResponse = await svc.api.request(method.toUpperCase(), path.replace('{id}', id), method === 'get' || method === 'delete' ? undefined : { name: 'Changed' });
            assertError(res, 404);
          }
        }
      }
    });
    assert.equal((await svc.api.get('/api/v1/customers/16')).body.data.name, 'C16');
  });

  it('answers body ids out of range with a 422 naming the field', async () => {
    await changesNothing(async () => {
      for (const ids of [[1e20], [9007199254740992], [1.5], [0], [-1]]) {
        assertError(await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: ids, message: 'Halo' }), 422, 'customer_ids[0]');
        assertError(await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'all', sender_ids: ids, message: 'Halo' }), 422, 'sender_ids[0]');
      }
      // Bodies are never coerced: an id written as text is a wrong type, whatever it says.
      assertError(await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'selected', customer_ids: ['0x10'], message: 'Halo' }), 422, 'customer_ids[0]');
    });
  });

  it('answers a NUL character in any text with a 422 naming the field, on both engines', async () => {
    await changesNothing(async () => {
      assertError(await svc.api.request('POST', '/api/v1/auth/login', { email: 'admin\u0000@example.com', password: 'x' }, { auth: false }), 422, 'email');
      assertError(await svc.api.post('/api/v1/customers', { name: 'Bu\u0000di', phone: mobileNumber(900) }), 422, 'name');
      assertError(await svc.api.post('/api/v1/customers', { customers: [{ name: 'Budi', phone: mobileNumber(901), attributes: { city: 'Ban\u0000dung' } }] }), 422, 'customers[0].attributes.city');
      assertError(await svc.api.post('/api/v1/customers', { name: 'Budi', phone: mobileNumber(902), attributes: { 'ci\u0000ty': 'x' } }), 422);
      assertError(await svc.api.patch(`/api/v1/customers/${customerIds[0]}`, { status: 'act\u0000ive' }), 422, 'status');
      assertError(await svc.api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo\u0000' }), 422, 'message');
      assertError(await svc.api.get(`/api/v1/customers?search=${encodeURIComponent('Bu\u0000di')}`), 422, 'search');
      const multipart = multipartBody(BOUNDARY, [
        { headers: ['Content-Disposition: form-data; name="target_type"'], content: 'all' },
        { headers: ['Content-Disposition: form-data; name="message"'], content: 'Halo\u0000{name}' },
      ]);
      assertError(await send('POST', '/api/v1/whatsapp/blast', { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: multipart }), 422, 'message');
    });
  });

  it("writes the framework's and the HTTP parser's refusals in our shape, with a status that says what was wrong", async () => {
    assertError(await svc.api.get(`/api/v1/customers/${'9'.repeat(101)}`), 414);
    assertError(await svc.api.get('/api/v1/customers/%zz'), 400);
    assertError(await svc.api.get('/api/v1/customers/%E0%A4%A'), 400);
    const big = await svc.api.request('GET', '/api/v1/customers', undefined, { headers: { 'x-padding': 'x'.repeat(20 * 1024) } }).catch(() => undefined);
    // fetch may see the connection closed before it reads the answer; the raw socket below always does.
    if (big) assertError(big, 431);
    assertRawError(await rawRequest(svc.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${'x'.repeat(20 * 1024)}\r\n\r\n`), 431);
    assertRawError(await rawRequest(svc.url, 'BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n'), 400);
    assertRawError(await rawRequest(svc.url, 'GET /health\u0000z HTTP/1.1\r\nHost: x\r\n\r\n'), 400);
    assertRawError(await rawRequest(svc.url, 'POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'), 400);
    assertRawError(await rawRequest(svc.url, 'POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'), 400);
    assertRawError(await rawRequest(svc.url, 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n'), 400);
    // The server still answers after all of that.
    assert.equal((await svc.api.get('/healthz')).status, 200);
  });

  it('keeps /healthz answering while 8 clients send hostile requests at once', async () => {
    const hostile: (() => Promise<unknown>)[] = [
      () => send('POST', '/api/v1/customers/import', { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: multipartBody(BOUNDARY, [{ headers: ['Content-Type: text/csv'], content: 'x'.repeat(1024 * 1024) }]) }),
      () => send('POST', '/api/v1/whatsapp/blast', { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body: multipartBody(BOUNDARY, [csvPart()]).subarray(0, 60) }),
      () => send('POST', '/api/v1/customers', { headers: { 'content-type': 'application/json' }, body: '['.repeat(500_000) }),
      () => send('POST', '/api/v1/customers', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customers: Array.from({ length: 5000 }, () => ({ name: 'x'.repeat(150), phone: 'y'.repeat(30), extra: 1 })) }) }),
      () => svc.api.get('/api/v1/customers?page=1e309'),
      () => svc.api.patch('/api/v1/customers/0x10', { name: 'Changed' }),
      () => rawRequest(svc.url, 'BREW / HTTP/1.1\r\n\r\n').catch(() => undefined),
      () => send('POST', '/api/v1/whatsapp/blast', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target_type: 'selected', customer_ids: Array.from({ length: 100_000 }, (_, i) => i + 1e15), message: 'x'.repeat(4096) }) }),
    ];
    let stop = false;
    let slowest = 0;
    const probe = (async () => {
      while (!stop) {
        const started = Date.now();
        const res = await fetch(`${svc.url}/healthz`, { signal: AbortSignal.timeout(5000) });
        assert.equal(res.status, 200);
        await res.text();
        slowest = Math.max(slowest, Date.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await changesNothing(async () => {
      const clients = Array.from({ length: 8 }, async (_, client) => {
        for (let round = 0; round < 3; round++) {
          const started = Date.now();
          const res = (await hostile[(client + round) % hostile.length]!()) as ApiResponse | undefined;
          if (res && 'status' in res) assert.ok(res.status >= 400 && res.status < 500, `client ${client}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          // The stalls left requests unanswered for over 20 s; a 4 MB body takes about a second here.
          assert.ok(Date.now() - started < 20_000, `client ${client} waited ${Date.now() - started} ms`);
        }
      });
      await Promise.all(clients);
    });
    stop = true;
    await probe;
    assert.ok(slowest < 5000, `/healthz took ${slowest} ms at worst`);
  });
});

describe('HTTP time-outs', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ ROLE: 'api', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' });
  });
  after(() => svc?.stop());

  it('answers a client that sends its headers too slowly with a 408 in our shape', async () => {
    const started = Date.now();
    // Headers never finished: the header time-out (1 s) applies.
    const res = await rawRequest(svc.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 8000);
    assertRawError(res, 408);
    assert.ok(Date.now() - started < 5000);
  });

  it('answers a request whose body never arrives with a 408 in our shape', async () => {
    const res = await rawRequest(svc.url, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":', 8000);
    assertRawError(res, 408);
  });
});
