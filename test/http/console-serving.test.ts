import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestService, type TestService } from '../helpers.js';

/** A stand-in for a console build: what is served, not what it shows (test/console/ runs the real one). */
function fakeBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wb-console-fake-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/assets/app-1a2b.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), 'console.log("console")');
  return dir;
}

describe('the admin console is served at /', () => {
  let svc: TestService;
  let dir: string;
  before(async () => {
    dir = fakeBuild();
    svc = await startTestService({ CONSOLE_DIR: dir });
  });
  after(async () => {
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the page at every console route, with a same-origin-only CSP', async () => {
    for (const route of ['/', '/login', '/blasts', '/blasts/new', '/blasts/42', '/customers', '/customers/7', '/senders']) {
      const res = await fetch(svc.url + route);
      assert.equal(res.status, 200, route);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
      assert.match(await res.text(), /<title>console<\/title>/);
    }
  });

  it('serves hashed assets for a year, and 404s as JSON for a missing one', async () => {
    const asset = await fetch(`${svc.url}/assets/app-1a2b.js`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    const missing = await fetch(`${svc.url}/assets/nothing.js`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).success, false);
    const escape = await fetch(`${svc.url}/assets/..%2f..%2fetc%2fpasswd`);
    assert.ok([403, 404].includes(escape.status), `a path out of the console folder: ${escape.status}`);
    assert.doesNotMatch(await escape.text(), /root:/);
  });

  it('leaves the API, docs and probes as they were: an unknown /api path is a JSON 404', async () => {
    const unknown = await fetch(`${svc.url}/api/v1/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type') ?? '', /application\/json/);
    assert.equal((await unknown.json()).success, false);
    assert.match((await fetch(`${svc.url}/api/v1/whatsapp/blast/history`)).headers.get('content-type') ?? '', /json/);
    assert.equal((await fetch(`${svc.url}/healthz`)).status, 200);
    const docs = await fetch(`${svc.url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get('content-security-policy') ?? '', /style-src 'self' 'unsafe-inline'/);
    assert.equal((await fetch(`${svc.url}/something-else`)).status, 404);
  });
});

describe('without a built console', () => {
  let svc: TestService;
  let empty: string;
  before(async () => {
    empty = mkdtempSync(path.join(tmpdir(), 'wb-console-none-'));
    svc = await startTestService({ CONSOLE_DIR: empty });
  });
  after(async () => {
    await svc?.stop();
    rmSync(empty, { recursive: true, force: true });
  });

  it('says how to build it, and the API still works', async () => {
    const res = await fetch(`${svc.url}/`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build/);
    assert.equal((await svc.api.get('/api/v1/whatsapp/blast/history')).status, 200);
  });
});
