import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { hasChromium } from '../browser-helpers.js';
import { ConsoleHarness } from './console-e2e.js';

const MOBILE = { viewport: { width: 360, height: 740 } };

/** Three good rows and one whose phone cannot be messaged (line 4 of the file). */
const csvFor = (tag: string, first: number) =>
  [
    'name,phone,status,city',
    `Budi ${tag},0812-3456-${first},vip,Bandung`,
    `Sari ${tag},0812-3456-${first + 1},active,Medan`,
    `Bad phone ${tag},12,active,Bogor`,
    `Eko ${tag},+62 812 3456 ${first + 2},active,Solo`,
  ].join('\n');

describe('console: customers (headless Chromium)', { skip: !hasChromium() && 'chromium not installed: apt-get install chromium' }, () => {
  const harness = new ConsoleHarness();
  before(() => harness.start());
  after(() => harness.stop());

  async function customerNamed(name: string): Promise<any> {
    const res = await harness.svc.api.get(`/api/v1/customers?search=${encodeURIComponent(name)}`);
    return res.body.data.find((c: { name: string }) => c.name === name);
  }

  /** The whole flow at one size and language; `tag` keeps each run's customers apart. */
  async function customersFlow(page: Page, tag: string, first: number, size: string) {
    const en = tag.startsWith('desktop');
    const say = (english: string, indonesian: string) => (en ? english : indonesian);
    await harness.logIn(page);
    await page.getByRole('navigation', { name: say('Main menu', 'Menu utama') }).getByRole('link', { name: say('Customers', 'Pelanggan') }).click();
    await page.getByRole('heading', { name: say('Customers', 'Pelanggan'), level: 1 }).waitFor();

    // CSV import through the page: the summary and the bad line with its reason.
    await page.getByRole('button', { name: say('Import CSV', 'Impor CSV') }).click();
    const importDialog = page.getByRole('dialog');
    await importDialog.getByLabel(say('CSV file', 'File CSV')).setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csvFor(tag, first)) });
    await importDialog.getByRole('button', { name: say('Import', 'Impor'), exact: true }).click();
    await importDialog.getByRole('status').getByText(say('Import finished: 3 added, 0 updated, 1 rejected.', 'Impor selesai: 3 ditambahkan, 0 diperbarui, 1 ditolak.')).waitFor();
    const rejected = importDialog.getByRole('row').filter({ hasText: /phone number is too short/ });
    assert.equal(await rejected.getByRole('cell').first().innerText(), '4', 'the bad line is named by its line in the file');
    await harness.screenshot(page, `${size}-customers-import`);
    await importDialog.getByRole('button', { name: say('Close', 'Tutup') }).click();
    // Other tests' customers share the list: this run's are found by their tag.
    await page.getByLabel(say('Search', 'Cari')).fill(tag);
    await page.getByRole('button', { name: say('Filter', 'Saring') }).click();
    await page.getByRole('row').filter({ hasText: `Sari ${tag}` }).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 3);
    assert.equal(await customerNamed(`Bad phone ${tag}`), undefined, 'the rejected line was not stored');

    // Search narrows the list to one customer.
    await page.getByLabel(say('Search', 'Cari')).fill(`Budi ${tag}`);
    await page.getByRole('button', { name: say('Filter', 'Saring') }).click();
    await page.getByText(say('Customers found: 1', 'Pelanggan ditemukan: 1')).waitFor();
    assert.equal(await page.locator('tbody tr').count(), 1);

    // An opt-out (from a webhook's STOP, here set through the API) is shown and cleared.
    const budi = await customerNamed(`Budi ${tag}`);
    await harness.svc.api.patch(`/api/v1/customers/${budi.id}`, { opted_out: true });
    await page.reload();
    await page.getByLabel(say('Search', 'Cari')).fill(`Budi ${tag}`);
    await page.getByRole('button', { name: say('Filter', 'Saring') }).click();
    const row = page.getByRole('row').filter({ hasText: `Budi ${tag}` });
    await row.getByText(say('Opted out', 'Berhenti langganan')).waitFor();
    await harness.screenshot(page, `${size}-customers-opted-out`);
    await row.getByRole('button', { name: say(`Allow messages to Budi ${tag} again`, `Izinkan pesan ke Budi ${tag} lagi`) }).click();
    await page.getByRole('status').getByText(say(`Budi ${tag} will receive blasts again.`, `Budi ${tag} akan menerima blast lagi.`)).waitFor();
    assert.equal(await row.getByText(say('Opted out', 'Berhenti langganan')).count(), 0);
    assert.equal((await customerNamed(`Budi ${tag}`)).opted_out, false);

    // A validation error from the server is shown next to the field it names.
    await row.getByRole('button', { name: say(`Edit Budi ${tag}`, `Ubah Budi ${tag}`) }).click();
    const editor = page.getByRole('dialog');
    const name = editor.getByLabel(say('Name', 'Nama'), { exact: true });
    assert.equal(await name.inputValue(), `Budi ${tag}`);
    await name.fill('   ');
    await editor.getByRole('button', { name: say('Save', 'Simpan') }).click();
    await editor.locator('#customer-name-error').waitFor();
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.ok(await name.evaluate((input) => input === document.activeElement), 'the refused field gets the focus');
    assert.match((await name.getAttribute('aria-describedby')) ?? '', /customer-name-error/);
    assert.equal(await editor.locator('#customer-name-error').innerText(), 'must not be blank');
    await harness.screenshot(page, `${size}-customers-validation`);

    // Edit: a new name, the city changed, an attribute added.
    await name.fill(`Budi Santoso ${tag}`);
    await editor.getByLabel(say('Attribute 1 value', 'Nilai atribut 1')).fill('Jakarta');
    await editor.getByRole('button', { name: say('Add attribute', 'Tambah atribut') }).click();
    await editor.getByLabel(say('Attribute 2 name', 'Nama atribut 2')).fill('tier');
    await editor.getByLabel(say('Attribute 2 value', 'Nilai atribut 2')).fill('gold');
    await editor.getByRole('button', { name: say('Save', 'Simpan') }).click();
    await page.getByRole('row').filter({ hasText: `Budi Santoso ${tag}` }).getByText('gold').waitFor();
    const saved = await customerNamed(`Budi Santoso ${tag}`);
    assert.deepEqual(saved.attributes, { city: 'Jakarta', tier: 'gold' });
    assert.equal(saved.status, 'vip', 'fields left alone keep their value');

    // Delete, after a confirmation.
    await page.getByLabel(say('Search', 'Cari')).fill(`Sari ${tag}`);
    await page.getByRole('button', { name: say('Filter', 'Saring') }).click();
    await page.getByRole('button', { name: say(`Delete Sari ${tag}`, `Hapus Sari ${tag}`) }).click();
    await page.getByRole('dialog').getByRole('button', { name: say('Delete', 'Hapus') }).click();
    await page.getByText(say('No customer matches this search.', 'Tidak ada pelanggan yang cocok.')).waitFor();
    assert.equal(await customerNamed(`Sari ${tag}`), undefined);

    // This run's list: nothing wider than the screen.
    await page.getByLabel(say('Search', 'Cari')).fill(tag);
    await page.getByRole('button', { name: say('Filter', 'Saring') }).click();
    await page.getByRole('row').filter({ hasText: `Eko ${tag}` }).waitFor();
    await harness.screenshot(page, `${size}-customers-list`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
    assert.deepEqual(harness.problems, []);
  }

  it('imports a CSV with a bad line, clears an opt-out, edits with a field error, deletes (desktop, English)', async () => {
    await customersFlow(await harness.newPage(), 'desktop', 1000, 'desktop');
  });

  it('shows the upload of a large file progressing, then what was stored', async () => {
    const page = await harness.newPage();
    await page.goto(`${harness.svc.url}/customers`);
    await harness.logIn(page);
    await page.getByRole('button', { name: 'Import CSV' }).click();
    // A slow uplink (what an admin on a phone has), so the upload takes a few seconds.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 30 * 1024 });
    const rows = Array.from({ length: 1500 }, (_, i) => `Pelanggan ${i},0812-7${String(i).padStart(7, '0')},active,Kota ${i % 50}`);
    const csv = ['name,phone,status,city', ...rows].join('\n');
    assert.ok(csv.length > 60_000);
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('CSV file').setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    const midway = await page.waitForFunction(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress#import-progress[value]');
      return bar && bar.value > 0 && bar.value < 100 ? bar.value : undefined;
    });
    const percent = (await midway.jsonValue()) as number;
    await dialog.getByText(/^Uploading: \d+%$/).waitFor();
    await harness.screenshot(page, 'desktop-customers-import-progress');
    await dialog.getByText('Import finished: 1,500 added, 0 updated, 0 rejected.').waitFor();
    assert.ok(percent > 0 && percent < 100, `saw the bar at ${percent}%`);
    assert.equal(await dialog.locator('progress').count(), 0, 'the bar goes when the answer is in');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    assert.deepEqual(harness.problems, []);
  });

  it('does the same on a 360 px phone in Indonesian', async () => {
    await customersFlow(await harness.newPage({ ...MOBILE, locale: 'id-ID' }), 'ponsel', 2000, 'mobile');
  });
});
