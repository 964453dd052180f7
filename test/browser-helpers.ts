import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';

/** Debian's package; CI installs it (.ci/run). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const hasChromium = () => existsSync(CHROMIUM);

/**
 * Builds the admin console from console/src into a fresh temporary folder (for CONSOLE_DIR), so
 * a test runs the console's current source, never a stale dist/console.
 */
export async function buildConsole(): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'wb-console-'));
  await build({
    configFile: new URL('../console/vite.config.ts', import.meta.url).pathname,
    build: { outDir, emptyOutDir: true },
    logLevel: 'warn',
  });
  return outDir;
}
