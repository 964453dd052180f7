import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PREFIX = 'wb-bench-build-';
const STALE_BUILD_MS = 6 * 60 * 60 * 1000;

/**
 * Compiles src/ with tsconfig.build.json into a temporary folder (what `npm run build` puts in
 * dist/, without touching dist/), so the service can run as `node dist/main.js` like `npm start`.
 * The folder is named after a hash of src/ and the tsconfigs, so an unchanged tree is compiled
 * once and reused by later runs; its node_modules is a link to the project's.
 */
export function buildService(log: (line: string) => void): string {
  const hash = createHash('sha256');
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package.json', ...listFiles('src')]) {
    hash.update(file).update(readFileSync(path.join(ROOT, file)));
  }
  const dir = path.join(tmpdir(), PREFIX + hash.digest('hex').slice(0, 16));
  if (existsSync(path.join(dir, 'dist', 'main.js'))) return dir;

  // Older builds go, but not recent ones: another bench run (another checkout) may be running
  // its service from one right now, and deleting it under that process breaks the run.
  for (const old of readdirSync(tmpdir()).filter((d) => d.startsWith(PREFIX))) {
    const folder = path.join(tmpdir(), old);
    const modified = statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (Date.now() - modified > STALE_BUILD_MS) rmSync(folder, { recursive: true, force: true });
  }
  const staging = `${dir}.tmp-${process.pid}`;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const started = Date.now();
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(staging, 'dist'), '--sourceMap', 'false'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (!existsSync(path.join(staging, 'dist', 'main.js'))) throw new Error(`tsc produced no dist/main.js:\n${result.stdout}${result.stderr}`);
  // Type errors still emit JavaScript; say so, but measure what was built.
  if (result.status !== 0) log(`note: tsc reported errors in src/ (JavaScript emitted anyway): ${result.stdout.split('\n')[0]}`);
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(staging, 'node_modules'), 'dir');
  writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ type: 'module' }));
  renameSync(staging, dir);
  log(`compiled src/ with tsconfig.build.json to ${dir}/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

function listFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}
