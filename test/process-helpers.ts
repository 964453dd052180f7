import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServiceProcess {
  child: ChildProcess;
  /** Every line the process wrote to stdout and stderr. */
  lines: string[];
  /** Resolves with the first line (existing or future) that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
}

/** Runs the real entry point (src/main.ts, or another under src/) in a child process, as `npm start` would. */
export function spawnService(env: Record<string, string | undefined>, entry = 'src/main.ts'): ServiceProcess {
  return spawnNode(['--import', 'tsx', path.join(ROOT, entry)], env);
}

/** Runs `node <args>` with only `env` (plus PATH and HOME), capturing its output line by line. */
export function spawnNode(args: string[], env: Record<string, string | undefined>, cwd = ROOT): ServiceProcess {
  const clean: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  const child = spawn(process.execPath, args, { cwd, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (line) {
            cleanup();
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${lines.slice(-20).join('\n')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => setTimeout(check, 10));
        check();
      });
    },
  };
}

/** The URL an API process listens on, from its start-up log line. */
export async function apiUrlOf(proc: ServiceProcess, timeoutMs?: number): Promise<string> {
  const line = await proc.waitForLine(/whatsapp-blast is running/, timeoutMs);
  const url = (JSON.parse(line) as { url?: string }).url;
  if (!url) throw new Error(`no url in ${line}`);
  return url;
}
