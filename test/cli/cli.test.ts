import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, createTestDatabase, mobileNumber, startTestService, type TestDatabase, type TestService } from '../helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (src/cli.ts through tsx) in a child process, with only the given environment. */
function cli(args: string[], options: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli.ts'), ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += String(c)));
  child.stderr.on('data', (c) => (stderr += String(c)));
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('whatsapp-blast CLI', () => {
  let db: TestDatabase;
  let svc: TestService | undefined;
  let env: Record<string, string | undefined>;
  before(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, DATA_DIR: db.dataDir };
  });
  after(async () => {
    await svc?.stop();
    await db.drop();
  });
  /** The service on the same database (started once, after the CLI has migrated it). */
  async function service(): Promise<TestService> {
    svc ??= await startTestService({}, db);
    return svc;
  }

  describe('usage', () => {
    it('--help lists the commands and exits 0', async () => {
      const run = await cli(['--help']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /Usage: whatsapp-blast/);
      for (const command of ['migrate', 'admin', 'customers', 'blast', 'senders']) assert.match(run.stdout, new RegExp(`\\b${command}\\b`));
    });

    it('every command has --help', async () => {
      const commands = [['migrate'], ['admin', 'create'], ['customers', 'import'], ['blast', 'status'], ['senders', 'list']];
      const runs = await Promise.all(commands.map((command) => cli([...command, '--help'])));
      runs.forEach((run, i) => {
        assert.equal(run.code, 0, `${commands[i]!.join(' ')}: ${run.stderr}`);
        assert.match(run.stdout, new RegExp(`Usage: whatsapp-blast ${commands[i]!.join(' ')}`));
      });
    });

    it('an unknown command is a usage error: exit 2', async () => {
      const run = await cli(['frobnicate']);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /unknown command 'frobnicate'/);
    });

    it('a missing required option or argument is exit 2', async () => {
      const [noEmail, noFile, badId] = await Promise.all([
        cli(['admin', 'create'], { env }),
        cli(['customers', 'import'], { env }),
        cli(['blast', 'status', 'abc'], { env }),
      ]);
      assert.equal(noEmail!.code, 2);
      assert.match(noEmail!.stderr, /required option '--email <email>'/);
      assert.equal(noFile!.code, 2);
      assert.equal(badId!.code, 2);
      assert.match(badId!.stderr, /positive whole number/);
    });

    it('a configuration error names the variable: exit 2', async () => {
      const run = await cli(['migrate'], { env: { DATABASE_URL: 'mysql://localhost/x' } });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /DATABASE_URL/);
    });
  });

  it('migrate applies the migrations, then finds nothing to do', async () => {
    const first = await cli(['migrate'], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied: 0001_initial/);
    const second = await cli(['migrate'], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /up to date/);
  });

  describe('admin create', () => {
    it('creates an admin (password on stdin) who can then log in over the API', async () => {
      const run = await cli(['admin', 'create', '--email', 'Ops@Example.com', '--name', 'Ops'], { env, input: 'a long enough secret\n' });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /ops@example\.com created/);
      assert.doesNotMatch(run.stdout + run.stderr, /a long enough secret/);
      const api = new Api((await service()).url);
      await api.login('ops@example.com', 'a long enough secret');
      assert.ok(api.token);
    });

    it('takes the password from WHATSAPP_BLAST_PASSWORD', async () => {
      const run = await cli(['admin', 'create', '--email', 'env@example.com'], { env: { ...env, WHATSAPP_BLAST_PASSWORD: 'from the environment' } });
      assert.equal(run.code, 0, run.stderr);
      await new Api((await service()).url).login('env@example.com', 'from the environment');
    });

    it('refuses a password under 8 characters (exit 2) and an existing email (exit 1)', async () => {
      const short = await cli(['admin', 'create', '--email', 'short@example.com', '--password', 'short'], { env });
      assert.equal(short.code, 2);
      assert.match(short.stderr, /at least 8 characters/);
      const again = await cli(['admin', 'create', '--email', 'ops@example.com'], { env, input: 'another long secret' });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already exists/);
    });
  });

  describe('customers import', () => {
    it('imports a CSV, prints a summary with the rejected lines, and stores the rows', async () => {
      const file = path.join(db.dataDir, 'customers.csv');
      writeFileSync(file, `name,phone,status,city\r\nAni,${mobileNumber(7001)},vip,Jakarta\r\nBad,0812,,\r\n"Budi, Jr.",${mobileNumber(7002)},,Bandung\r\n`);
      const run = await cli(['customers', 'import', file], { env });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /2 created, 0 updated, 0 unchanged, 1 rejected \(3 rows\)/);
      assert.match(run.stdout, /line 3: phone number is too short/);

      const { api } = await service();
      const res = await api.get(`/api/v1/customers?search=${mobileNumber(7002).slice(1)}`);
      assert.equal(res.body.data.length, 1);
      assert.equal(res.body.data[0].name, 'Budi, Jr.');
      assert.deepEqual(res.body.data[0].attributes, { city: 'Bandung' });

      const json = await cli(['customers', 'import', file, '--json'], { env });
      assert.equal(json.code, 0, json.stderr);
      const body = JSON.parse(json.stdout);
      // The same file again changes nothing: nothing is written, both rows count as unchanged.
      assert.deepEqual([body.created, body.updated, body.unchanged, body.rejected], [0, 0, 2, 1]);
    });

    it('a missing file is exit 2; a bad header is exit 1 and says why', async () => {
      const missing = await cli(['customers', 'import', path.join(db.dataDir, 'nope.csv')], { env });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no such file/);
      const file = path.join(db.dataDir, 'bad.csv');
      writeFileSync(file, 'name,mobile\nA,0812\n');
      const bad = await cli(['customers', 'import', file], { env });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /"phone" column is missing/);
    });
  });

  describe('blast status', () => {
    it('--once --json prints a finished blast; the live view ends at once for it', async () => {
      const { api } = await service();
      const res = await api.post('/api/v1/whatsapp/blast', { target_type: 'all', message: 'Halo {name}' });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const finished = await api.waitForBlast(res.body.blast_id);

      const once = await cli(['blast', 'status', String(res.body.blast_id), '--once', '--json'], { env });
      assert.equal(once.code, 0, once.stderr);
      const blast = JSON.parse(once.stdout);
      assert.equal(blast.id, res.body.blast_id);
      assert.equal(blast.status, 'completed');
      assert.equal(blast.sent_count, finished.sent_count);
      assert.equal(blast.pending_count, 0);

      const live = await cli(['blast', 'status', String(res.body.blast_id)], { env });
      assert.equal(live.code, 0, live.stderr);
      assert.match(live.stdout, new RegExp(`Blast ${res.body.blast_id}: completed`));
      assert.match(live.stdout, new RegExp(`sent ${finished.sent_count}`));
    });

    it('an unknown blast is exit 1', async () => {
      const run = await cli(['blast', 'status', '999999', '--once'], { env });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /Blast 999999 was not found/);
    });
  });

  it('senders list shows the service\'s sending number', async () => {
    await service();
    const run = await cli(['senders', 'list'], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^ID\s+SENDER\s+PROVIDER\s+PAUSED\s+NEXT SEND/m);
    assert.match(run.stdout, /^1\s+default\s+log\s+-\s+/m);
    const json = JSON.parse((await cli(['senders', 'list', '--json'], { env })).stdout);
    assert.equal(json[0].key, 'default');
    assert.equal(json[0].paused_reason, null);
  });
});
