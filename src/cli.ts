#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ensureAdmin } from './auth/auth.service.js';
import { blastStatusCommand } from './cli/blast-status.js';
import { importCommand } from './cli/import-command.js';
import { cliConfig, ConfigError, EXIT, formatTable, readStdin, UsageError, withDatabase } from './cli/support.js';
import { migrateToLatest } from './db/migrate.js';
import { AppError } from './errors.js';
import { listSenders } from './senders/senders.repository.js';

/**
 * `whatsapp-blast …`: operator commands against the database the environment configures
 * (DATABASE_URL or DATA_DIR, and an optional .env, exactly as the service reads them).
 * Exit codes: 0 ok, 1 failure, 2 usage or configuration error.
 */

const MIN_PASSWORD = 8;
/** src/cli.ts and dist/cli.js are both one level below the package root. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function program(): Command {
  const cli = new Command('whatsapp-blast')
    .description('Operate whatsapp-blast: migrate the database, create admins, import customers, follow blasts.')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', '\nConfiguration comes from the environment (and ./.env), as for the service: DATABASE_URL or DATA_DIR.\nExit codes: 0 ok, 1 failure, 2 usage or configuration error.');

  cli
    .command('migrate')
    .description('apply pending database migrations (the service also does this at start)')
    .action(async () => {
      const applied = await withDatabase(cliConfig(), (database) => migrateToLatest(database));
      process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    });

  const admin = cli.command('admin').description('manage admins');
  admin
    .command('create')
    .description('create an admin who can log in to the API')
    .requiredOption('--email <email>', 'login email')
    .option('--name <name>', 'display name (default: the part of the email before @)')
    .addOption(
      new Option('--password <password>', `at least ${MIN_PASSWORD} characters; prefer the variable or stdin (a command line shows in ps and shell history)`)
        .env('WHATSAPP_BLAST_PASSWORD'),
    )
    .addHelpText('after', '\nWithout --password or WHATSAPP_BLAST_PASSWORD, the password is read from stdin when it is not a terminal:\n  printf %s "$PASSWORD" | whatsapp-blast admin create --email ops@example.com')
    .action(async (options: { email: string; name?: string; password?: string }) => {
      const email = options.email.trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError(`--email: "${options.email}" is not an email address`);
      const password = options.password ?? (process.stdin.isTTY ? undefined : (await readStdin()).replace(/\r?\n$/, ''));
      if (password === undefined || password === '') {
        throw new UsageError('no password: give --password, set WHATSAPP_BLAST_PASSWORD, or pipe it on stdin');
      }
      if (password.length < MIN_PASSWORD) throw new UsageError(`the password must be at least ${MIN_PASSWORD} characters`);
      const created = await withDatabase(cliConfig(), ({ db }) => ensureAdmin(db, { email, password, name: options.name?.trim() || undefined }, Date.now()));
      if (!created) throw new Error(`an admin with the email ${email} already exists`);
      process.stdout.write(`admin ${email} created\n`);
    });

  const customers = cli.command('customers').description('manage customers');
  customers
    .command('import')
    .description('import customers from a CSV file (upsert by phone number), with progress and a summary')
    .argument('<file>', 'CSV with a header line: name, phone, optional status, any other column becomes an attribute')
    .option('--json', 'print the result as JSON (every rejected row, up to 1,000)')
    .addHelpText('after', '\nThe same rules as POST /api/v1/customers/import: see docs/cli.md.')
    .action((file: string, options: { json?: boolean }) => importCommand(file, options));

  const blast = cli.command('blast').description('follow blasts');
  blast
    .command('status')
    .description('show a blast\'s progress: a live progress bar until it ends, or once')
    .argument('<id>', 'blast id')
    .option('--once', 'print the current state once and exit')
    .option('--json', 'print JSON (with --once one object, otherwise one line per change)')
    .option('--interval <seconds>', 'seconds between two looks at the blast', '1')
    .action((id: string, options: { once?: boolean; json?: boolean; interval: string }) => blastStatusCommand(id, options));

  const senders = cli.command('senders').description('sending numbers');
  senders
    .command('list')
    .description('list sending numbers: id, name (or number, or key), provider, why paused, next allowed send')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const rows = await withDatabase(cliConfig(), ({ db }) => listSenders(db));
      const now = Date.now();
      const view = rows.map((s) => ({
        id: Number(s.id),
        key: s.key,
        name: s.name,
        display_number: s.display_number,
        provider: s.provider,
        paused_reason: s.paused_reason,
        next_send_at: new Date(Number(s.next_send_at)).toISOString(),
        busy: s.lease_owner !== null && Number(s.lease_expires_at) > now,
      }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
        return;
      }
      if (view.length === 0) {
        process.stdout.write('no sending numbers yet (the service records its own at start)\n');
        return;
      }
      const rowsText = view.map((s, i) => [
        String(s.id),
        s.name ?? s.display_number ?? s.key,
        s.provider,
        s.paused_reason ?? '-',
        Number(rows[i]!.next_send_at) <= now ? 'now' : s.next_send_at,
        s.busy ? 'sending' : 'idle',
      ]);
      process.stdout.write(`${formatTable(['ID', 'SENDER', 'PROVIDER', 'PAUSED', 'NEXT SEND', 'STATE'], rowsText)}\n`);
    });

  // Every command shows its help on a usage error, and nothing calls process.exit behind our back.
  for (const command of [cli, admin, customers, blast, senders, ...cli.commands.flatMap((c) => c.commands)]) {
    command.exitOverride().showHelpAfterError('(add --help for usage)');
  }
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander printed why
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof AppError) {
      process.stderr.write(`error: ${error.message}\n${error.errors.map((e) => `  ${e.field}: ${e.message}\n`).join('')}`);
      return EXIT.failure;
    }
    process.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT.failure;
  }
}

process.exitCode = await main(process.argv);
