import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from '../browser-helpers.js';
import { startTestService, type TestService } from '../helpers.js';

describe('interactive docs at /docs', () => {
  let svc: TestService;
  let browser: Browser | undefined;
  let shots: string;

  before(async () => {
    svc = await startTestService();
    shots = mkdtempSync(path.join(tmpdir(), 'wb-docs-'));
  });
  after(async () => {
    await browser?.close();
    await svc?.stop();
    // Kept when DOCS_SCREENSHOT_DIR asks for it, to look at the page.
    if (!process.env.DOCS_SCREENSHOT_DIR) rmSync(shots, { recursive: true, force: true });
  });

  it('renders in headless Chromium and lists the blast endpoint', async (t) => {
    if (!hasChromium()) return t.skip('chromium not installed: apt-get install chromium');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const failedAssets: string[] = [];
    page.on('requestfailed', (request) => failedAssets.push(request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400) failedAssets.push(`${response.status()} ${response.url()}`);
    });
    const external: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(svc.url)) external.push(request.url());
    });

    const answer = await page.goto(`${svc.url}/docs`, { waitUntil: 'load' });
    assert.equal(answer?.status(), 200);
    // Swagger UI fetches the document, then renders one block per operation.
    const blast = page.locator('.opblock-summary-path', { hasText: /^\/api\/v1\/whatsapp\/blast$/ });
    await blast.first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.locator('.opblock-post .opblock-summary-path', { hasText: /^\/api\/v1\/whatsapp\/blast$/ }).count(), 1);
    assert.ok((await page.locator('body').innerText()).includes('/api/v1/whatsapp/blast'));
    assert.ok(await page.locator('.info .title', { hasText: 'whatsapp-blast' }).isVisible(), 'the document title');
    assert.ok(await page.locator('.btn.authorize').isVisible(), 'the Authorize button of the bearer scheme');

    const file = path.join(process.env.DOCS_SCREENSHOT_DIR ?? shots, 'docs.png');
    await page.screenshot({ path: file, fullPage: false });
    const png = readFileSync(file);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
    // A blank 1280x1600 page compresses to a few kilobytes; the rendered UI does not.
    assert.ok(png.length > 40_000, `screenshot is only ${png.length} bytes`);

    // Opening the operation shows the contract's example request.
    await page.locator('.opblock-post', { has: page.locator('.opblock-summary-path', { hasText: /^\/api\/v1\/whatsapp\/blast$/ }) }).locator('.opblock-summary').click();
    const body = page.locator('.opblock-post.is-open .opblock-body');
    await body.getByText('Halo {name}, kami ada promo spesial untuk Anda!').first().waitFor({ timeout: 10_000 });
    assert.ok((await body.innerText()).includes('multipart/form-data') || (await body.locator('option[value="multipart/form-data"]').count()) > 0);
    if (process.env.DOCS_SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.DOCS_SCREENSHOT_DIR, 'docs-blast.png') });

    assert.deepEqual(failedAssets, [], 'every asset loaded');
    assert.deepEqual(external, [], 'no asset comes from outside the service (no CDN)');
  });
});
