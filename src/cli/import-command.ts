import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { importCustomersCsv, type ImportProgress, type ImportResult } from '../customers/import.service.js';
import { cliConfig, int, UsageError, withDatabase } from './support.js';

/** Rejected rows printed in the text summary; --json prints the full list the import keeps. */
const REJECTED_SHOWN = 20;
/** Without a terminal (a log file, CI), one progress line this often. */
const LINE_EVERY_MS = 5_000;

/** `customers import FILE.csv`: the HTTP import's service, run directly against the database. */
export async function importCommand(file: string, options: { json?: boolean }): Promise<void> {
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw new UsageError(`${file} is not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const config = cliConfig();
  const result = await withDatabase(config, async ({ db, engine }) => {
    const progress = progressDisplay(size);
    try {
      return await importCustomersCsv(
        { db, engine, countryCode: config.defaultCountryCode, now: Date.now() },
        createReadStream(file),
        { onProgress: progress.update },
      );
    } finally {
      progress.stop();
    }
  });
  process.stdout.write(options.json ? `${JSON.stringify({ success: true, ...result }, null, 2)}\n` : summary(path.basename(file), result));
}

function summary(name: string, result: ImportResult): string {
  const rows = result.created + result.updated + result.unchanged + result.rejected;
  const lines = [
    `Imported ${name}: ${int(result.created)} created, ${int(result.updated)} updated, ${int(result.unchanged)} unchanged, ${int(result.rejected)} rejected (${int(rows)} rows).`,
  ];
  if (result.rejected > 0) {
    lines.push('Rejected rows:');
    for (const r of result.rejected_rows.slice(0, REJECTED_SHOWN)) lines.push(`  line ${r.line}: ${r.reason}`);
    const more = result.rejected - Math.min(REJECTED_SHOWN, result.rejected_rows.length);
    if (more > 0) lines.push(`  … and ${int(more)} more (--json lists the first ${int(result.rejected_rows.length)})`);
  }
  return `${lines.join('\n')}\n`;
}

/** A progress bar on a terminal; otherwise a line every few seconds (both on stderr). */
function progressDisplay(totalBytes: number): { update: (p: ImportProgress) => void; stop: () => void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'importing [{bar}] {percentage}% | {rows} rows: {created} created, {updated} updated, {rejected} rejected | {eta_formatted} left',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, totalBytes), 0, { rows: '0', created: '0', updated: '0', rejected: '0' });
    return {
      update: (p) => bar.update(p.bytes, { rows: int(p.rows), created: int(p.created), updated: int(p.updated), rejected: int(p.rejected) }),
      stop: () => bar.stop(),
    };
  }
  let last = Date.now();
  return {
    update: (p) => {
      if (Date.now() - last < LINE_EVERY_MS) return;
      last = Date.now();
      const percent = totalBytes > 0 ? Math.floor((100 * p.bytes) / totalBytes) : 100;
      process.stderr.write(`importing: ${percent}%, ${int(p.rows)} rows: ${int(p.created)} created, ${int(p.updated)} updated, ${int(p.rejected)} rejected\n`);
    },
    stop: () => {},
  };
}
