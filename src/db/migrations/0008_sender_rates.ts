import type { Kysely } from 'kysely';

/**
 * A rate per sending number instead of "one message at a time": how many requests may be in
 * flight at once and how many may start per second (null: SEND_MAX_IN_FLIGHT /
 * SEND_MAX_PER_SECOND, else the provider's default, see gateways/pacing.ts), and how far the
 * provider's throughput errors have slowed the number down.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const senders = db.schema.alterTable('senders');
  await senders.addColumn('max_in_flight', 'integer').execute();
  await senders.addColumn('max_per_second', 'integer').execute();
  // Halvings of the rate after throughput errors (0: full speed), and when it last changed: one
  // halving is undone per quiet stretch (worker/pacer.ts).
  await senders.addColumn('slowdown', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await senders.addColumn('slowdown_at', 'bigint').execute();
}
