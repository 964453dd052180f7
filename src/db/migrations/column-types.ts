import { sql, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { Engine } from '../connection.js';

/** The few column types the two engines spell differently; everything else is shared SQL. */
export interface ColumnTypes {
  /** Auto-incrementing 64-bit primary key. */
  id: RawBuilder<unknown>;
  json: RawBuilder<unknown>;
  bytes: RawBuilder<unknown>;
  idConstraints: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
}

export function columnTypes(engine: Engine): ColumnTypes {
  return engine === 'postgres'
    ? {
        id: sql`bigint`,
        json: sql`jsonb`,
        bytes: sql`bytea`,
        idConstraints: (col) => col.primaryKey().generatedByDefaultAsIdentity(),
      }
    : {
        // INTEGER PRIMARY KEY is SQLite's rowid; AUTOINCREMENT keeps ids of deleted rows unused.
        id: sql`integer`,
        json: sql`text`,
        bytes: sql`blob`,
        idConstraints: (col) => col.primaryKey().autoIncrement(),
      };
}

export interface Migration {
  up(db: Kysely<any>, engine: Engine): Promise<void>;
}
