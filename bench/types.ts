import type { Engine } from '../src/db/connection.js';

export type ServiceMode = 'inproc' | 'child' | 'compiled';

export interface BenchOptions {
  /** Sequential blast requests measured by `accept` (after a few unmeasured warm-up ones). */
  acceptRequests: number;
  /** Sequential bare HTTP POSTs to the fake gateway for the `dispatch` baseline. */
  bareRequests: number;
  /** Longest sampled window of `memory`, in seconds (it stops earlier when the blast completes). */
  memorySeconds: number;
  /**
   * Where the service runs: in this process via startService (`inproc`), src/main.ts through tsx
   * in a child process (`child`, test/process-helpers' spawnService), or `node dist/main.js` of a
   * fresh build in a child process (`compiled`, as `npm start` runs in production).
   */
  dispatchMode: ServiceMode;
  /** NODE_OPTIONS for memory's child, e.g. "--max-old-space-size=96" (default none). */
  memoryNodeOptions: string | undefined;
  /** How `memory` runs the service (always a child process: its RSS is what is measured). */
  memoryMode: Exclude<ServiceMode, 'inproc'>;
  /** Which fake Fonnte `dispatch` runs against (each one is a result row). */
  dispatchFakes: ('test' | 'fast')[];
  /** Which fake Fonnte `memory` runs against. */
  memoryFake: 'test' | 'fast';
  /**
   * PostgreSQL: run `VACUUM ANALYZE whatsapp_blast_logs` every this many seconds from the bench
   * while `dispatch` and `memory` send (0: never), standing in for autovacuum where it is off.
   */
  pgVacuumSeconds: number;
  /** EXPLAIN (ANALYZE, BUFFERS) the expansion INSERT on PostgreSQL. */
  explain: boolean;
  /** How long `faults` keeps PostgreSQL down in its restart, in seconds (0: `pg_ctl restart`). */
  faultsOutageSeconds: number;
  /** GATEWAY_TIMEOUT_MS of `rate`'s workers: how often a lease ends and the number is handed back. */
  rateTimeoutMs: number;
  /** The workers' WORKER_HOLD_MS in rate (0: the number is handed back after every stretch). */
  rateHoldMs: number;
  /** Which of throughput's scenarios run (1: one number, 2: 8 numbers, 3: one Meta number with 8 in flight). */
  throughputScenarios: number[];
}

export interface BenchContext extends BenchOptions {
  engine: Engine;
  /** Customers (= recipients) for this benchmark. */
  size: number;
  /** Progress lines, printed as they happen. */
  log(line: string): void;
}

export interface Result {
  benchmark: string;
  engine: Engine;
  size: number;
  metric: string;
  value: string;
  goal: string;
  /** undefined: nothing to compare against (a figure reported for information). */
  pass: boolean | undefined;
  /** A missed goal fails the run (exit code 1), not only the row: a limit that must hold. */
  mustPass?: boolean;
  detail: string;
  raw?: unknown;
}
