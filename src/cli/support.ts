import { ConfigError, environment, loadConfig, type Config } from '../config.js';
import { connect, type Database } from '../db/connection.js';

/** Exit codes: the CLI's contract with scripts. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A wrong argument or option: exit 2, like a configuration error. */
export class UsageError extends Error {}

/** The environment's configuration; a bad value is a ConfigError (exit 2) naming the variable. */
export function cliConfig(): Readonly<Config> {
  return loadConfig(environment());
}

/** Runs `work` with a connection to the configured database, and closes it afterwards. */
export async function withDatabase<T>(config: Readonly<Config>, work: (database: Database) => Promise<T>): Promise<T> {
  const database = connect({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    return await work(database);
  } catch (error) {
    throw explainDatabaseError(error);
  } finally {
    await database.close();
  }
}

/** A missing table means the database was never migrated: say what to run. */
function explainDatabaseError(error: unknown): unknown {
  const message = (error as Error)?.message ?? '';
  if (/relation "[^"]+" does not exist|no such table/i.test(message)) {
    return new Error(`${message}: the database is not migrated yet; run \`whatsapp-blast migrate\` first`);
  }
  if ((error as { code?: string })?.code === 'ECONNREFUSED') {
    return new Error(`cannot reach the database (${message}); check DATABASE_URL`);
  }
  return error;
}

export function parseId(value: string, what: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new UsageError(`${what} must be a positive whole number, not "${value}"`);
  return Number(value);
}

/** Everything piped to stdin, as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Left-aligned columns separated by two spaces, for lists people read in a terminal. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export const int = (n: number) => n.toLocaleString('en-US');

export { ConfigError };
