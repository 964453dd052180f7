import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';

/** Nearest-rank percentile of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, min: sorted[0] ?? NaN, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, mean };
}

export const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;
export const int = (value: number) => Math.round(value).toLocaleString('en-US');
export const sec = (valueMs: number) => `${(valueMs / 1000).toFixed(1)} s`;

/**
 * Resident set size (VmRSS), its peak (VmHWM) and its parts of a Linux process, in MB:
 * anonymous memory (the JS heap, malloc), file pages (code, mapped files), shared memory
 * (e.g. SQLite's WAL index).
 */
export function residentMemory(pid: number): { rssMb: number; peakMb: number; anonMb: number; fileMb: number; shmemMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024, shmemMb: kb('RssShmem') / 1024 };
  } catch {
    return undefined;
  }
}

export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis));

/** Polls `probe` every `everyMs` until it returns something other than undefined/false. */
export async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${sec(timeoutMs)} waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Child processes started by the bench, killed if the bench itself is interrupted. */
export const children = new Set<ChildProcess>();

/** SIGTERM (the service finishes in-flight sends), then SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs = 20_000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  children.delete(child);
}

/** CPU time (user + system) a Linux process has used so far, in ms (/proc/<pid>/stat, 100 Hz ticks). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** CPU time this process has used so far, in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Share of both cores that was idle over `windowMs` (from /proc/stat), 0…1. */
export async function idleShare(windowMs = 2_000): Promise<number> {
  const read = () => {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    return { idle, total: cpu.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await sleep(windowMs);
  const b = read();
  return (b.idle - a.idle) / Math.max(1, b.total - a.total);
}
