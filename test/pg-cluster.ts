import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pgClient from 'pg';

const run = promisify(execFile);

/** Where Debian puts PostgreSQL 15's server programs (CI and the dev machine). */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why a throw-away cluster cannot be made here, or undefined when it can. */
export function pgClusterUnavailable(): string | undefined {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) return `no PostgreSQL server programs in ${PG_BIN} (set PG_BIN)`;
  return undefined;
}

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres (trust authentication, local only). */
  url: string;
  port: number;
  /** Creates an empty database and answers its URL (with `password`, which trust ignores, to check logs never show it). */
  createDatabase(name: string, password?: string): Promise<string>;
  /** Stops the server (fast: open connections are cut, as in a real restart); nothing if stopped. */
  stop(): Promise<void>;
  /** Starts it again; nothing if running. */
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back a moment later. */
  restart(): Promise<void>;
  /** Stops the server if running and deletes everything it wrote. Safe to call twice. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster of its own for tests that stop and restart the server: `initdb` into a
 * temporary folder, listening on a free port of 127.0.0.1 and a unix socket in that folder —
 * never the machine's server. PostgreSQL refuses to run as root, so as root (CI, containers)
 * every program runs as the `postgres` user, which owns the folder.
 */
export async function startPgCluster(): Promise<PgCluster> {
  const unavailable = pgClusterUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = mkdtempSync(path.join(tmpdir(), 'wb-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, program), ...args]) : run(path.join(PG_BIN, program), args);
  const port = await freePort();
  // Durability is not what these tests are about: fsync off keeps start-up and restarts quick.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  // Always with a log file: a server started without one writes to pg_ctl's output, which would
  // keep our pipe open (and execFile waiting) for the server's whole life.
  const log = path.join(dir, 'server.log');
  const ctl = (action: string, ...extra: string[]) => pg('pg_ctl', [action, '-D', data, '-w', '-t', '60', '-l', log, ...extra]);
  let running = false;
  let destroyed = false;

  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async createDatabase(name, password) {
      const client = new pgClient.Client({ connectionString: cluster.url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres${password ? `:${password}` : ''}@127.0.0.1:${port}/${name}`;
    },
    async start() {
      if (running) return;
      await ctl('start', '-o', options);
      running = true;
    },
    async stop() {
      if (!running) return;
      await ctl('stop', '-m', 'fast');
      running = false;
    },
    async restart() {
      await ctl('restart', '-m', 'fast', '-o', options);
      running = true;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running) await ctl('stop', '-m', 'immediate').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await cluster.start();
    return cluster;
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

/** A port nobody listens on right now (the OS picks it; a tiny race with other programs is accepted). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
