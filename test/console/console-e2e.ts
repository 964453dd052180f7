import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { ADMIN, startTestService, type TestService } from '../helpers.js';
import { buildConsole, CHROMIUM, CHROMIUM_ARGS } from '../browser-helpers.js';

/**
 * One service with the console built from source, one Chromium, and pages that record what a
 * reviewer must never see: requests to other hosts, failed assets, CSP violations, page errors.
 */
export class ConsoleHarness {
  svc!: TestService;
  browser!: Browser;
  shots!: string;
  private consoleDir!: string;
  readonly problems: string[] = [];

  async start(env: Record<string, string | undefined> = {}): Promise<void> {
    this.consoleDir = await buildConsole();
    this.svc = await startTestService({ CONSOLE_DIR: this.consoleDir, ...env });
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    this.shots = process.env.CONSOLE_SCREENSHOT_DIR ?? mkdtempSync(path.join(tmpdir(), 'wb-console-shots-'));
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.svc?.stop();
    if (this.consoleDir) rmSync(this.consoleDir, { recursive: true, force: true });
    if (this.shots && !process.env.CONSOLE_SCREENSHOT_DIR) rmSync(this.shots, { recursive: true, force: true });
  }

  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...options });
    const page = await context.newPage();
    page.on('request', (request) => {
      if (!request.url().startsWith(this.svc.url) && !request.url().startsWith('blob:') && !request.url().startsWith('data:')) {
        this.problems.push(`request to another host: ${request.url()}`);
      }
    });
    page.on('requestfailed', (request) => {
      // A request the page gave up (a live stream closed, a page left while loading) is not a failure.
      const error = request.failure()?.errorText ?? '';
      if (!error.includes('ERR_ABORTED')) this.problems.push(`failed: ${request.url()} ${error}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) this.problems.push(`CSP: ${message.text()}`);
    });
    return page;
  }

  /** Logs in from the page shown (the login page comes at any address without a session). */
  async logIn(page: Page, email = ADMIN.email, password = ADMIN.password): Promise<void> {
    if (!page.url().startsWith(this.svc.url)) await page.goto(`${this.svc.url}/`);
    await page.getByLabel(/^(Email)$/).fill(email);
    await page.getByLabel(/^(Password|Kata sandi)$/).fill(password);
    await page.getByRole('button', { name: /^(Log in|Masuk)$/ }).click();
  }

  async screenshot(page: Page, name: string): Promise<string> {
    const file = path.join(this.shots, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  }
}
