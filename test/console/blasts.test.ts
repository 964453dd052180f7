import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { hasChromium } from '../browser-helpers.js';
import { startFakeFonnte, type FakeFonnte } from '../fakes/fonnte-fake.js';
import { mobileNumber, TINY_PNG, waitFor } from '../helpers.js';
import { ConsoleHarness } from './console-e2e.js';

const TOKEN = 'fonnte-console-token-123';
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 900 };

describe('console: blasts, end to end in headless Chromium', { skip: !hasChromium() && 'chromium not installed: apt-get install chromium' }, () => {
  const harness = new ConsoleHarness();
  let fake: FakeFonnte;
  let customerNumber = 0;
  before(async () => {
    fake = await startFakeFonnte({ token: TOKEN });
    await harness.start({
      WA_GATEWAY: 'fonnte',
      FONNTE_TOKEN: TOKEN,
      FONNTE_BASE_URL: fake.url,
      // Another host than the console's: the page must still show the image from its own origin.
      PUBLIC_BASE_URL: 'https://blast.example.test',
      // Slow enough to watch a blast progress, quick enough for the test.
      SEND_DELAY_MIN_MS: '500',
      SEND_DELAY_MAX_MS: '600',
    });
  });
  after(async () => {
    await harness.stop();
    await fake?.close();
  });

  /** Three reachable customers with `status`, one with a number WhatsApp cannot reach, one outside the audience. */
  async function audience(status: string) {
    const next = () => mobileNumber(1000 + ++customerNumber);
    return harness.svc.api.createCustomers([
      { name: `Budi ${status}`, phone: next(), status, attributes: { city: 'Bandung' } },
      { name: `Sari ${status}`, phone: next(), status, attributes: { city: 'Medan' } },
      { name: `Andi ${status}`, phone: next(), status, attributes: { city: 'Solo' } },
      { name: `Kantor ${status}`, phone: '12345', status, attributes: { city: 'Jakarta' } },
      { name: `Other ${status}`, phone: next(), status: `not-${status}`, attributes: { city: 'Depok' } },
    ]);
  }

  async function sendWithImageToFilter(page: Page, status: string, shot: string) {
    await audience(status);
    const blastsBefore = (await harness.svc.api.get('/api/v1/whatsapp/blast/history')).body.meta.total;
    await harness.logIn(page);
    await page.getByRole('link', { name: 'New blast' }).click();
    await page.getByRole('heading', { name: 'New blast' }).waitFor();
    await page.getByLabel('Customers matching a filter').check();
    await page.getByLabel('Customer status').selectOption(status);
    await page.getByLabel('Message', { exact: true }).fill('Halo ');
    await page.getByRole('button', { name: '{name}', exact: true }).click();
    await page.getByLabel('Message', { exact: true }).press('End');
    await page.getByLabel('Message', { exact: true }).pressSequentially(' dari {city}, ada promo!');
    assert.equal(await page.getByLabel('Message', { exact: true }).inputValue(), 'Halo {name} dari {city}, ada promo!');
    await page.getByLabel(/^Image/).setInputFiles({ name: 'promo.png', mimeType: 'image/png', buffer: TINY_PNG });
    const picked = page.getByRole('img', { name: 'The image to send' }).first();
    await picked.waitFor();
    assert.match((await picked.getAttribute('src')) ?? '', /^blob:/);
    await page.getByLabel('Title (optional)').fill(`Promo ${status}`);

    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const count = page.getByTestId('recipient-count');
    await count.waitFor();
    assert.equal(await count.innerText(), '3 recipients will get this message (4 customers in the audience, 1 skipped).');
    const preview = page.locator('.preview');
    assert.ok((await preview.innerText()).includes(`Halo Budi ${status} dari Bandung, ada promo!`), 'a rendered message');
    assert.match(await preview.locator('.skip-reason').innerText(), /^Skipped: .+/);
    await harness.screenshot(page, `${shot}-1-preview`);

    // A double click sends one blast.
    await page.getByRole('button', { name: 'Send blast to 3 recipients' }).dblclick();
    await page.waitForURL(/\/blasts\/\d+$/);
    const blastId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const bar = page.getByRole('progressbar').first();
    await bar.waitFor();
    const first = Number(await bar.getAttribute('aria-valuenow'));
    assert.ok(first < 4, `the page opened before the blast was done (${first} of 4 done)`);
    await harness.screenshot(page, `${shot}-2-sending`);

    // Completes live: the counts and the state change without a reload.
    await page.locator('.blast-detail .page-head .badge', { hasText: 'Completed' }).waitFor({ timeout: 20_000 });
    assert.equal(await bar.getAttribute('aria-valuenow'), '4');
    assert.ok(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), 'updated in place');
    assert.equal((await harness.svc.api.get('/api/v1/whatsapp/blast/history')).body.meta.total, blastsBefore + 1, 'one blast for a double click');
    const shown = page.getByRole('img', { name: 'Image sent with the message' });
    await waitFor(async () => (await shown.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 5_000, 'the image to load');
    const sent = fake.requests.filter((r) => r.form.message?.endsWith('ada promo!') && r.form.message.includes(status));
    assert.equal(sent.length, 3);
    assert.ok(sent.every((r) => r.form.url?.startsWith('https://blast.example.test/media/')), 'the providers get the image by URL');

    // The recipients: the skipped one with its reason, and a search by name.
    await page.getByLabel('Recipient status').selectOption('skipped');
    const skipped = page.locator('table.recipients tbody tr');
    // The filter applies after a request: wait for the filtered table, not any table showing the row.
    await waitFor(async () => (await skipped.count()) === 1, 5_000, 'only the skipped row');
    await page.locator('table.recipients tbody tr', { hasText: `Kantor ${status}` }).waitFor();
    assert.ok((await skipped.first().innerText()).length > `Kantor ${status}`.length + 20, 'the row shows why it was skipped');
    const reason = (await harness.svc.api.get(`/api/v1/whatsapp/blast/${blastId}/logs?status=skipped`)).body.data[0].error_message;
    assert.ok(reason && (await skipped.first().innerText()).includes(reason), `the reason "${reason}" is shown`);
    await harness.screenshot(page, `${shot}-3-skipped`);
    await page.getByLabel('Recipient status').selectOption('');
    await page.getByLabel('Search by number or name').fill(`sari ${status}`);
    await page.locator('table.recipients tbody tr', { hasText: `Sari ${status}` }).waitFor();
    await waitFor(async () => (await page.locator('table.recipients tbody tr').count()) === 1, 5_000, 'one row found');
    return blastId;
  }

  it('sends a blast with an image to a filter audience after a preview, and watches it complete (desktop)', async () => {
    const page = await harness.newPage({ viewport: DESKTOP });
    await sendWithImageToFilter(page, 'promo-desktop', 'desktop');
    await page.getByRole('link', { name: 'All blasts' }).click();
    await page.locator('.blast-row', { hasText: 'Promo promo-desktop' }).locator('.badge', { hasText: 'Completed' }).waitFor();
    await harness.screenshot(page, 'desktop-4-home');
    assert.deepEqual(harness.problems, []);
  });

  it('does the same on a 360 px phone screen, in Indonesian when the admin chooses it back and forth', async () => {
    const page = await harness.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    await sendWithImageToFilter(page, 'promo-phone', 'phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `nothing wider than the screen (${width} px)`);
    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Penerima' }).waitFor();
    await harness.screenshot(page, 'phone-4-detail-id');
    assert.deepEqual(harness.problems, []);
  });

  it('shows a validation error next to the field it names', async () => {
    await audience('invalid-form');
    const page = await harness.newPage({ viewport: DESKTOP });
    await harness.logIn(page);
    await page.getByRole('link', { name: 'New blast' }).click();
    await page.getByLabel('Message', { exact: true }).fill('Halo {nmae}');
    await page.getByLabel(/^Quiet hours/).fill('25:00-99:99');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const messageError = page.locator('#message-error');
    await messageError.waitFor();
    assert.match(await messageError.innerText(), /unknown placeholder \{nmae\}/);
    assert.equal(await page.getByLabel('Message', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.match((await page.getByLabel('Message', { exact: true }).getAttribute('aria-describedby')) ?? '', /message-error/);
    assert.ok(await page.locator('#quiet_hours-error').isVisible(), 'the quiet hours error is next to its field');
    assert.ok(await page.getByRole('button', { name: /^Send blast/ }).isDisabled(), 'nothing to send before a good preview');
    await harness.screenshot(page, 'validation');
    assert.deepEqual(harness.problems, []);
  });

  it('pauses, resumes and (after a confirmation) cancels another blast', async () => {
    const customers = await harness.svc.api.createCustomers(
      Array.from({ length: 40 }, (_, i) => ({ name: `Long ${i}`, phone: mobileNumber(5000 + i), status: 'long' })),
    );
    const blastId = await harness.svc.api.blastTo(customers, { title: 'Long blast' });
    const page = await harness.newPage({ viewport: DESKTOP });
    await harness.logIn(page);
    // The home page follows an unfinished blast live: its progress moves without a reload.
    const row = page.locator('.blast-row', { hasText: 'Long blast' });
    const bar = row.getByRole('progressbar');
    // -1 while the recipients are being resolved (no bar yet).
    const done = async () => ((await bar.count()) === 0 ? -1 : Number(await bar.getAttribute('aria-valuenow')));
    await row.waitFor();
    const before = await done();
    await waitFor(async () => (await done()) > before, 15_000, 'the row to progress live');
    await row.getByRole('link').click();
    const state = page.locator('.blast-detail .page-head .badge');

    await page.getByRole('button', { name: 'Pause' }).click();
    await state.filter({ hasText: 'Paused' }).waitFor();
    assert.equal((await harness.svc.api.get(`/api/v1/whatsapp/blast/${blastId}`)).body.data.status, 'paused');
    assert.equal(await page.getByRole('button', { name: 'Pause' }).count(), 0, 'no pause button on a paused blast');
    await harness.screenshot(page, 'paused');

    await page.getByRole('button', { name: 'Resume' }).click();
    await state.filter({ hasText: /Sending|Queued/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Resume' }).count(), 0);

    await page.getByRole('button', { name: 'Cancel blast' }).click();
    await page.getByRole('alertdialog').waitFor();
    await page.getByRole('button', { name: 'No, keep it' }).click();
    assert.notEqual((await harness.svc.api.get(`/api/v1/whatsapp/blast/${blastId}`)).body.data.status, 'cancelled');
    await page.getByRole('button', { name: 'Cancel blast' }).click();
    await page.getByRole('button', { name: 'Yes, cancel the blast' }).click();
    await state.filter({ hasText: 'Cancelled' }).waitFor();
    assert.equal((await harness.svc.api.get(`/api/v1/whatsapp/blast/${blastId}`)).body.data.status, 'cancelled');
    assert.equal(await page.getByRole('button', { name: /Pause|Resume|Cancel blast/ }).count(), 0, 'a cancelled blast offers no action');
    assert.deepEqual(harness.problems, []);
  });
});
