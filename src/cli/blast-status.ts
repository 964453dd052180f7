import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { blastSummary, type BlastSummary } from '../blasts/blasts.service.js';
import { cliConfig, int, parseId, UsageError, withDatabase } from './support.js';

type Blast = BlastSummary;

/** States a blast never leaves: watching stops there. */
const FINAL_STATES = new Set(['completed', 'failed', 'cancelled']);

/** `blast status ID`: once, or live until the blast ends. */
export async function blastStatusCommand(idText: string, options: { once?: boolean; json?: boolean; interval: string }): Promise<void> {
  const id = parseId(idText, 'ID');
  const seconds = Number(options.interval);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) throw new UsageError(`--interval must be between 0.1 and 3600 seconds, not "${options.interval}"`);
  const config = cliConfig();
  await withDatabase(config, async ({ db }) => {
    const read = async () => blastSummary(db, id, Date.now(), config);
    let blast = await read();
    if (options.once) {
      process.stdout.write(options.json ? `${JSON.stringify(blast, null, 2)}\n` : describe(blast));
      return;
    }
    const view = options.json ? jsonLines() : process.stdout.isTTY ? progressBar() : textLines();
    view.show(blast);
    while (!FINAL_STATES.has(blast.status)) {
      await sleep(seconds * 1000);
      blast = await read();
      view.show(blast);
    }
    view.end(blast);
  });
}

const done = (b: Blast) => b.sent_count + b.failed_count + b.skipped_count + b.cancelled_count;

const counts = (b: Blast) =>
  `sent ${int(b.sent_count)}, failed ${int(b.failed_count)}, skipped ${int(b.skipped_count)}` +
  `${b.cancelled_count > 0 ? `, cancelled ${int(b.cancelled_count)}` : ''}, pending ${int(b.pending_count)}`;

function describe(b: Blast): string {
  const lines = [
    `Blast ${b.id}${b.title ? ` "${b.title}"` : ''}: ${b.status}${b.status_reason ? ` (${b.status_reason})` : ''}${b.waiting ? ` — waiting: ${b.waiting.message}` : ''}`,
    b.recipients_resolved ? `  ${int(b.target_count)} recipients: ${counts(b)}` : '  recipients not resolved yet',
    `  created ${b.created_at}${b.started_at ? `, started ${b.started_at}` : ''}${b.completed_at ? `, ended ${b.completed_at}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

interface View {
  show(blast: Blast): void;
  end(blast: Blast): void;
}

/** One JSON object per line whenever something changed (for scripts that follow a blast). */
function jsonLines(): View {
  let last = '';
  return {
    show(blast) {
      const line = JSON.stringify(blast);
      if (line !== last) process.stdout.write(`${line}\n`);
      last = line;
    },
    end() {},
  };
}

/** A line whenever the status or the counts change (logs, CI). */
function textLines(): View {
  let last = '';
  return {
    show(b) {
      const line = `blast ${b.id} ${b.status}: ${b.recipients_resolved ? `${counts(b)} of ${int(b.target_count)}` : 'resolving recipients'}`;
      if (line !== last) process.stdout.write(`${line}\n`);
      last = line;
    },
    end(b) {
      process.stdout.write(describe(b));
    },
  };
}

function progressBar(): View {
  const bar = new cliProgress.SingleBar(
    {
      format: 'blast {id} [{bar}] {percentage}% | sent {sent} failed {failed} skipped {skipped} pending {pending} | {status}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const payload = (b: Blast) => ({ id: b.id, sent: int(b.sent_count), failed: int(b.failed_count), skipped: int(b.skipped_count), pending: int(b.pending_count), status: b.status });
  return {
    show(b) {
      if (!started) bar.start(Math.max(1, b.target_count), done(b), payload(b));
      started = true;
      bar.setTotal(Math.max(1, b.target_count));
      bar.update(done(b), payload(b));
    },
    end(b) {
      bar.stop();
      process.stdout.write(describe(b));
    },
  };
}
