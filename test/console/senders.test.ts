import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { hasChromium } from '../browser-helpers.js';
import { ConsoleHarness } from './console-e2e.js';

const MOBILE = { viewport: { width: 360, height: 740 } };

describe('console: senders (headless Chromium)', { skip: !hasChromium() && 'chromium not installed: apt-get install chromium' }, () => {
  const harness = new ConsoleHarness();
  // Credentials are stored encrypted under SECRET_KEY; without it the API refuses them.
  before(() => harness.start({ SECRET_KEY: randomBytes(32).toString('hex') }));
  after(() => harness.stop());

  /** Every answer of the API the page read, as text: a credential must never be in one. */
  function recordAnswers(page: Page): string[] {
    const answers: string[] = [];
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) answers.push(await response.text().catch(() => ''));
    });
    return answers;
  }

  async function senderNamed(name: string): Promise<any> {
    const res = await harness.svc.api.get('/api/v1/senders');
    return res.body.data.find((s: { name: string | null }) => s.name === name);
  }

  async function sendersFlow(page: Page, tag: string, number: string, size: string) {
    const en = size === 'desktop';
    const say = (english: string, indonesian: string) => (en ? english : indonesian);
    const token = `fonnte-secret-${randomBytes(12).toString('hex')}`;
    const answers = recordAnswers(page);
    await harness.logIn(page);
    await page.getByRole('navigation', { name: say('Main menu', 'Menu utama') }).getByRole('link', { name: say('Senders', 'Pengirim') }).click();
    await page.getByRole('heading', { name: say('Senders', 'Pengirim'), level: 1 }).waitFor();
    // The environment's number has max_per_second 0 in the tests: shown as no limit, not "≤ 0/s".
    const environment = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: say('Sender #1', 'Pengirim #1') }) });
    await environment.getByText(say('1 at once, no per-second limit', '1 sekaligus, tanpa batas per detik')).waitFor();

    // A number the server refuses: its error is shown next to the number field, nothing is added.
    await page.getByRole('button', { name: say('Add sender', 'Tambah pengirim') }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel(say('Provider', 'Penyedia')).selectOption('fonnte');
    const numberField = dialog.getByLabel(say('WhatsApp number', 'Nomor WhatsApp'));
    await numberField.fill('12');
    await dialog.getByLabel(say('Name', 'Nama'), { exact: true }).fill(`Toko ${tag}`);
    const tokenField = dialog.getByLabel('FONNTE_TOKEN');
    assert.equal(await tokenField.getAttribute('type'), 'password', 'a secret is typed into a password field');
    await tokenField.fill(token);
    await dialog.getByLabel(say('Daily cap', 'Batas harian')).fill('100');
    await dialog.getByLabel(say('Warm-up: cap on the first day', 'Pemanasan: batas hari pertama')).fill('10');
    await dialog.getByLabel(say('Warm-up: days', 'Pemanasan: jumlah hari')).fill('5');
    await dialog.getByRole('button', { name: say('Save', 'Simpan') }).click();
    await dialog.locator('#sender-number-error').getByText('phone number is too short').waitFor();
    assert.equal(await numberField.getAttribute('aria-invalid'), 'true');
    assert.ok(await numberField.evaluate((input) => input === document.activeElement), 'the refused field gets the focus, so it is in view');
    await harness.screenshot(page, `${size}-senders-validation`);
    assert.equal(await senderNamed(`Toko ${tag}`), undefined);

    // Corrected, it is added with its credentials, cap and warm-up.
    await numberField.fill(number);
    await dialog.getByRole('button', { name: say('Save', 'Simpan') }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: `Toko ${tag}` }) });
    await card.waitFor();
    await card.getByText(say('0 of 10 sent', '0 dari 10 terkirim')).waitFor();
    await card.getByText(say('Stored (never shown)', 'Tersimpan (tidak pernah ditampilkan)')).waitFor();
    const added = await senderNamed(`Toko ${tag}`);
    assert.equal(added.has_credentials, true);
    assert.deepEqual([added.daily_cap, added.warmup.start_cap, added.warmup.days], [100, 10, 5]);

    // Editing shows no credential back; leaving them empty keeps them.
    await card.getByRole('button', { name: say(`Edit Toko ${tag}`, `Ubah Toko ${tag}`) }).click();
    dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByLabel('FONNTE_TOKEN').inputValue(), '', 'a stored credential is never shown');
    await dialog.getByLabel(say('Shortest pause (seconds)', 'Jeda terpendek (detik)')).fill('2.5');
    await dialog.getByLabel(say('Longest pause (seconds)', 'Jeda terpanjang (detik)')).fill('8');
    await harness.screenshot(page, `${size}-senders-edit`);
    await dialog.getByRole('button', { name: say('Save', 'Simpan') }).click();
    await card.getByText(say('2.5–8 s', '2,5–8 detik')).waitFor();
    const edited = await senderNamed(`Toko ${tag}`);
    assert.equal(edited.has_credentials, true, 'credentials left empty stay stored');
    assert.deepEqual([edited.pause_min_ms, edited.pause_max_ms], [2500, 8000]);
    assert.equal(edited.warmup.started_at, added.warmup.started_at, 'an untouched warm-up is not restarted');

    // Keyboard: Escape closes a dialog and gives the focus back to the button that opened it.
    const editButton = card.getByRole('button', { name: say(`Edit Toko ${tag}`, `Ubah Toko ${tag}`) });
    await editButton.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.ok(await editButton.evaluate((button) => button === document.activeElement), 'focus returns to the opener');

    // Pause with a reason, then resume.
    await card.getByRole('button', { name: say(`Pause Toko ${tag}`, `Jeda Toko ${tag}`) }).click();
    await page.getByRole('dialog').getByLabel(say('Reason (optional)', 'Alasan (opsional)')).fill('ganti HP');
    await page.getByRole('dialog').getByRole('button', { name: say('Pause', 'Jeda') }).click();
    await card.getByText(/ganti HP/).waitFor();
    await card.getByText(say('Paused', 'Dijeda'), { exact: true }).waitFor();
    assert.deepEqual([(await senderNamed(`Toko ${tag}`)).state, (await senderNamed(`Toko ${tag}`)).paused_reason], ['paused', 'ganti HP']);
    await harness.screenshot(page, `${size}-senders-paused`);
    await card.getByRole('button', { name: say(`Resume Toko ${tag}`, `Lanjutkan Toko ${tag}`) }).click();
    await card.getByText(say('Active', 'Aktif'), { exact: true }).waitFor();
    assert.equal((await senderNamed(`Toko ${tag}`)).state, 'active');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');

    // Delete asks first; cancelling keeps it.
    await card.getByRole('button', { name: say(`Delete Toko ${tag}`, `Hapus Toko ${tag}`) }).click();
    await page.getByRole('dialog').getByRole('button', { name: say('Cancel', 'Batal') }).click();
    assert.ok(await senderNamed(`Toko ${tag}`));
    await card.getByRole('button', { name: say(`Delete Toko ${tag}`, `Hapus Toko ${tag}`) }).click();
    await page.getByRole('dialog').getByRole('button', { name: say('Delete', 'Hapus') }).click();
    await card.waitFor({ state: 'detached' });
    assert.equal(await senderNamed(`Toko ${tag}`), undefined);

    assert.ok(answers.length >= 6, 'the page read the API');
    assert.ok(!answers.some((text) => text.includes(token)), 'no answer shown to the page carries the credential');
    assert.ok(!(await page.content()).includes(token));
    assert.deepEqual(harness.problems, []);
  }

  it('adds a sender with credentials after a field error, edits, pauses, resumes and deletes it (desktop, English)', async () => {
    await sendersFlow(await harness.newPage(), 'Bandung', '0812-3456-7890', 'desktop');
  });

  it('does the same on a 360 px phone in Indonesian', async () => {
    await sendersFlow(await harness.newPage({ ...MOBILE, locale: 'id-ID' }), 'Medan', '0813-9876-5432', 'mobile');
  });
});
