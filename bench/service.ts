import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/server.js';
import { ADMIN, Api, testEnv } from '../test/helpers.js';
import { spawnNode, spawnService, type ServiceProcess } from '../test/process-helpers.js';
import type { BenchDatabase } from './db.js';
import { buildService } from './build.js';
import type { BenchGateway } from './fast-fonnte.js';
import { children, stopChild } from './util.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The real Fonnte adapter against the fake, with no pause between sends (bulk mode). */
export function unpacedFonnteEnv(fake: BenchGateway): Record<string, string> {
  return {
    WA_GATEWAY: 'fonnte',
    FONNTE_BASE_URL: fake.url,
    FONNTE_TOKEN: fake.token,
    SEND_DELAY_MIN_MS: '0',
    SEND_DELAY_MAX_MS: '0',
    // Fonnte's default is one phone's pace (1 in flight, 1/s): bulk mode lifts the rate and lets
    // a claim cover several recipients (at most that many "delivery unknown" on a kill).
    SEND_MAX_IN_FLIGHT: '8',
    SEND_MAX_PER_SECOND: '1000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    PORT: '0',
    // Production defaults (test/helpers' testEnv polls every 50 ms: with one sending number, the
    // three lanes that cannot get its lease would then cost ~180 queries a second).
    WORKER_POLL_MS: '1000',
    GATEWAY_TIMEOUT_MS: '15000',
    // Benchmarks run at any hour.
    QUIET_HOURS: 'off',
  };
}

export interface BenchService {
  api: Api;
  /** The child's pid (child mode only). */
  pid?: number;
  proc?: ServiceProcess;
  /** Warnings and errors the service logged (in-process mode) or every line (child mode). */
  lines: string[];
  stop(): Promise<void>;
}

/**
 * The real service with ROLE=all: in this process via startService (`inproc`), or as a child
 * process: `child` = src/main.ts through tsx (test/process-helpers' spawnService), `compiled` =
 * `node dist/main.js` of a fresh build, as `npm start` runs it in production.
 */
export async function startBenchService(
  bench: BenchDatabase,
  mode: 'inproc' | 'child' | 'compiled',
  env: Record<string, string>,
  log: (line: string) => void = () => {},
): Promise<BenchService> {
  if (mode !== 'inproc') {
    const full = { ...bench.env, LOG_LEVEL: 'info', ...env };
    const proc = mode === 'child' ? spawnService(full) : spawnCompiled(buildService(log), full);
    children.add(proc.child);
    try {
      const api = new Api(await urlOf(proc));
      await api.login();
      return { api, pid: proc.child.pid, proc, lines: proc.lines, stop: () => stopChild(proc.child, proc.exited) };
    } catch (error) {
      await stopChild(proc.child, proc.exited);
      throw error;
    }
  }
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const config = loadConfig(testEnv(bench, { LOG_LEVEL: 'warn', ...env }));
  const service = await startService(config, createLogger(config.logLevel, sink));
  const api = new Api(service.url ?? '');
  await api.login();
  return { api, lines, stop: () => service.stop() };
}

export async function postAllBlast(api: Api, message = 'Halo {name}'): Promise<number> {
  const res = await api.post('/api/v1/whatsapp/blast', { target_type: 'all', message });
  if (res.status !== 202) throw new Error(`blast rejected: ${res.status} ${JSON.stringify(res.body)}`);
  return Number(res.body.blast_id);
}

/** The URL a child service listens on, from its start-up line (migrations may take a while). */
export async function urlOf(proc: ServiceProcess, timeoutMs = 120_000): Promise<string> {
  const line = await proc.waitForLine(/whatsapp-blast is running/, timeoutMs);
  const url = (JSON.parse(line) as { url?: string }).url;
  if (!url) throw new Error(`no url in ${line}`);
  return url;
}

/**
 * `node dist/main.js` in `dir` (see build.ts) with the node flags of package.json's start script
 * (what `npm start` runs), with the same line capture as spawnService.
 */
export function spawnCompiled(dir: string, env: Record<string, string | undefined>): ServiceProcess {
  return spawnNode([...startScriptNodeFlags(), path.join(dir, 'dist', 'main.js')], env, dir);
}

/** The flags between `node` and `dist/main.js` in package.json's `start` script. */
export function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/main.js') throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return words.slice(1, -1);
}
