import path from 'node:path';
import { ADMIN, Api } from '../test/helpers.js';
import { spawnNode } from '../test/process-helpers.js';
import { buildService } from './build.js';
import { createBenchDatabase, dropAll } from './db.js';
import { startScriptNodeFlags, urlOf } from './service.js';
import { residentMemory, sleep } from './util.js';

/**
 * Issue 11, start-up and logins: `node <npm start's flags> dist/main.js` started twice on a fresh
 * database (the first start hashes ADMIN_PASSWORD, the second finds the admin), then logins one at
 * a time and four at once. Prints RSS and the kernel's peak (VmHWM) after each step, in MB.
 * `npx tsx bench/startup-memory.ts [sqlite|postgres] [extra NODE_OPTIONS]`
 */
const engine = (process.argv[2] ?? 'sqlite') as 'sqlite' | 'postgres';
const bench = await createBenchDatabase(engine);
try {
  const dir = buildService(() => {});
  const env = {
    ...bench.env,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    PORT: '0',
    LOG_LEVEL: 'info',
    LOGIN_RATE_LIMIT_PER_IP: '1000',
    LOGIN_RATE_LIMIT_PER_EMAIL: '1000',
    ...(process.argv[3] ? { NODE_OPTIONS: process.argv[3] } : {}),
  };
  for (const start of ['first start (hashes the admin password)', 'second start (admin exists)']) {
    const proc = spawnNode([...startScriptNodeFlags(), path.join(dir, 'dist', 'main.js')], env, dir);
    const pid = proc.child.pid!;
    const steps: string[] = [];
    const note = (label: string) => {
      const m = residentMemory(pid)!;
      steps.push(`${label} ${m.rssMb.toFixed(0)} (peak ${m.peakMb.toFixed(0)})`);
    };
    try {
      const api = new Api(await urlOf(proc));
      note('listening');
      for (let i = 1; i <= 4; i++) {
        await api.login();
        note(`login ${i}`);
      }
      await Promise.all([1, 2, 3, 4].map(() => api.login()));
      note('4 at once');
      await sleep(3000);
      note('3 s later');
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    process.stdout.write(`${engine}, ${start}: ${steps.join(', ')} MB\n`);
  }
} finally {
  await dropAll();
}
