import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { hasChromium } from '../browser-helpers.js';
import { ConsoleHarness } from './console-e2e.js';

describe('console: logging in and out (headless Chromium)', { skip: !hasChromium() && 'chromium not installed: apt-get install chromium' }, () => {
  const harness = new ConsoleHarness();
  before(() => harness.start());
  after(() => harness.stop());

  it('speaks Indonesian to a browser that asks for it, English on request, and keeps the token out of URLs and localStorage', async () => {
    const page = await harness.newPage({ locale: 'id-ID' });
    await page.goto(`${harness.svc.url}/blasts/new`);
    await page.getByRole('heading', { name: 'Masuk ke konsol' }).waitFor();
    await page.getByLabel('Kata sandi').fill('wrong password');
    await page.getByLabel('Email').fill('admin@example.com');
    // Keyboard only: Enter in a field submits the form.
    await page.getByLabel('Email').press('Enter');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /password|sandi/i);

    await harness.logIn(page);
    await page.getByRole('navigation', { name: 'Menu utama' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/blasts/new', 'stays on the page it was opened at');
    const storage = await page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));
    assert.ok(Object.values(storage.session).some((v) => v.includes('"token"')), 'the token is in sessionStorage');
    assert.ok(!JSON.stringify(storage.local).includes('token'), 'no token in localStorage');
    assert.ok(!page.url().includes('token'));

    await page.getByLabel('Bahasa').first().selectOption('en');
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Customers' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to the console' }).waitFor();
    assert.deepEqual(await page.evaluate(() => ({ ...sessionStorage })), {});
    assert.deepEqual(harness.problems, []);
  });

  it('sends an admin whose token expired back to the login page with a message', async () => {
    const page = await harness.newPage();
    await harness.logIn(page);
    await page.getByRole('heading', { name: 'Blasts' }).waitFor();
    // What the server sees when a token expires: one it no longer accepts.
    await page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem('wb.session')!);
      sessionStorage.setItem('wb.session', JSON.stringify({ ...session, token: 'wb_expired' }));
    });
    await page.reload();
    await page.getByRole('alert').filter({ hasText: 'Your session has expired' }).waitFor();
    await page.getByRole('heading', { name: 'Log in to the console' }).waitFor();
    await harness.screenshot(page, 'expired');
    assert.deepEqual(harness.problems, []);
  });
});
