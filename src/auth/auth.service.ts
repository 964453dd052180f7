import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { AppError } from '../errors.js';
import * as repo from './auth.repository.js';
import { hashPassword, hashToken, isOutdatedPasswordHash, newOpaqueToken, verifyPassword } from './secrets.js';

export interface Admin {
  id: number;
  email: string;
  name: string;
}

/**
 * Verified against for unknown emails, so a wrong email costs as long as a wrong password. Made
 * on the first unknown email, not before: a login of a known admin never holds two argon2
 * computations (and their memory) at once.
 */
let dummyHash: Promise<string> | undefined;
const dummyPasswordHash = () => (dummyHash ??= hashPassword('not-a-password-anyone-has'));

export async function login(
  db: Kysely<DB>,
  input: { email: string; password: string },
  options: { tokenTtlMs: number; now: number },
): Promise<{ token: string; expiresAt: number; admin: Admin }> {
  const admin = await repo.findAdminByEmail(db, input.email.trim().toLowerCase());
  const matches = await verifyPassword(admin?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!admin || !matches) throw new AppError('unauthorized', 'Email or password is wrong.');
  // The password is known only now: a hash made with older parameters is replaced by the current ones.
  if (isOutdatedPasswordHash(admin.password_hash)) await repo.updatePasswordHash(db, admin.id, await hashPassword(input.password));
  const token = newOpaqueToken();
  const expiresAt = options.now + options.tokenTtlMs;
  await repo.insertToken(db, { adminId: admin.id, tokenHash: hashToken(token), now: options.now, expiresAt });
  return { token, expiresAt, admin: { id: admin.id, email: admin.email, name: admin.name } };
}

export async function authenticate(db: Kysely<DB>, token: string, now: number): Promise<Admin> {
  const admin = await repo.findAdminByTokenHash(db, hashToken(token), now);
  if (!admin) throw new AppError('unauthorized', 'The token is invalid or has expired; log in again.');
  return { id: admin.id, email: admin.email, name: admin.name };
}

/** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD unless one with that email exists. */
export async function ensureAdmin(
  db: Kysely<DB>,
  admin: { email: string; password: string; name?: string },
  now: number,
): Promise<boolean> {
  if (await repo.findAdminByEmail(db, admin.email)) return false;
  const created = await repo.insertAdmin(db, {
    email: admin.email,
    name: admin.name ?? admin.email.split('@')[0] ?? 'admin',
    passwordHash: await hashPassword(admin.password),
    now,
  });
  return created !== undefined;
}
