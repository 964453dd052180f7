import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export async function findAdminByEmail(db: Kysely<DB>, email: string) {
  return db.selectFrom('admins').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function insertAdmin(
  db: Kysely<DB>,
  admin: { email: string; name: string; passwordHash: string; now: number },
) {
  return db
    .insertInto('admins')
    .values({ email: admin.email, name: admin.name, password_hash: admin.passwordHash, created_at: admin.now })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning(['id'])
    .executeTakeFirst();
}

export async function updatePasswordHash(db: Kysely<DB>, adminId: number, passwordHash: string) {
  await db.updateTable('admins').set({ password_hash: passwordHash }).where('id', '=', adminId).execute();
}

export async function insertToken(
  db: Kysely<DB>,
  token: { adminId: number; tokenHash: string; now: number; expiresAt: number },
) {
  await db
    .insertInto('admin_tokens')
    .values({ admin_id: token.adminId, token_hash: token.tokenHash, created_at: token.now, expires_at: token.expiresAt })
    .execute();
}

/** The admin a live token belongs to; expired tokens match nothing. */
export async function findAdminByTokenHash(db: Kysely<DB>, tokenHash: string, now: number) {
  return db
    .selectFrom('admin_tokens')
    .innerJoin('admins', 'admins.id', 'admin_tokens.admin_id')
    .select(['admins.id', 'admins.email', 'admins.name', 'admin_tokens.expires_at'])
    .where('admin_tokens.token_hash', '=', tokenHash)
    .where('admin_tokens.expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteExpiredTokens(db: Kysely<DB>, now: number) {
  await db.deleteFrom('admin_tokens').where('expires_at', '<=', now).execute();
}
