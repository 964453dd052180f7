import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode } from '../test/process-helpers.js';
import { children } from './util.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs `bench/throughput-peer.ts` with `options` (its PeerOptions) in a process of its own, as
 * our service runs in one, and answers what it printed on its `result` line.
 */
export async function runPeerProcess<T>(options: { mode: string } & Record<string, unknown>): Promise<T> {
  const proc = spawnNode(['--import', 'tsx', path.join(ROOT, 'bench', 'throughput-peer.ts'), JSON.stringify(options)], {});
  children.add(proc.child);
  const code = await proc.exited;
  children.delete(proc.child);
  const line = proc.lines.find((l) => l.startsWith('result '));
  if (code !== 0 || !line) throw new Error(`${options.mode} peer failed (exit ${code}): ${proc.lines.slice(-5).join(' | ')}`);
  return JSON.parse(line.slice('result '.length)) as T;
}
