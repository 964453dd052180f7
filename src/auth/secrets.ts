import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): still slow and
 * memory-hard for anyone holding stolen hashes, while a login holds 19 MiB for a moment instead
 * of the library's default 64 MiB (four lanes, 3 passes) — the default alone took a third of the
 * service's memory budget at start-up.
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, PASSWORD_HASH_OPTIONS);
/** Works with any argon2 hash, whatever parameters it was made with. */
export const verifyPassword = (hash: string, password: string) => argon2.verify(hash, password);
/** A hash made with other parameters (an older release's), to be replaced at the next login. */
export const isOutdatedPasswordHash = (hash: string) => argon2.needsRehash(hash, PASSWORD_HASH_OPTIONS);

/** 256 random bits: unguessable, so a fast hash is enough to store it (no salt or stretching). */
export const newOpaqueToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
