import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../test/process-helpers.js';
import { children, stopChild } from './util.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What `bench/throughput-fake.ts` reports at `GET /__stats`. */
export interface FakeStats {
  count: number;
  first?: number;
  last?: number;
  distinct: number;
  refused: number;
  perNumber: Record<string, number>;
  perSource: Record<string, number>;
  peakInFlight: number;
}

/** Every send that reached the fake, in arrival order: when (hrtime, ms), from which process label, to whom. */
export interface FakeArrivals {
  arrivals: number[];
  sources: string[];
  recipients: string[];
}

export interface ThroughputFake {
  url: string;
  pid: number;
  reset(): Promise<void>;
  stats(): Promise<FakeStats>;
  arrivals(): Promise<FakeArrivals>;
  stop(): Promise<void>;
}

/** Starts the fake Meta gateway of the throughput and rate benches in its own process. */
export async function startThroughputFake(token: string, latencyMs = 0): Promise<ThroughputFake> {
  const proc = spawnNode(['--import', 'tsx', path.join(ROOT, 'bench', 'throughput-fake.ts'), token, String(latencyMs)], {});
  children.add(proc.child);
  const port = Number(/listening (\d+)/.exec(await proc.waitForLine(/listening \d+/))![1]);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: proc.child.pid!,
    reset: async () => void (await fetch(`${url}/__reset`, { method: 'POST' }).then((r) => r.text())),
    stats: async () => (await fetch(`${url}/__stats`).then((r) => r.json())) as FakeStats,
    arrivals: async () => (await fetch(`${url}/__arrivals`).then((r) => r.json())) as FakeArrivals,
    stop: () => stopChild(proc.child, proc.exited),
  };
}
