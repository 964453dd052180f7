import { createHash, randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/**
 * argon2id with one of OWASP's recommended settings (7 MiB, 5 passes, 1 lane; OWASP rates it
 * as strong as 19 MiB × 2 or 46 MiB × 1). The memory is the point here: the library's default
 * (64 MiB × 3, 4 lanes) took a third of the service's memory budget per login, and glibc keeps
 * a block under 32 MiB cached in the allocating thread's arena after it is freed, so every
 * thread of the pool that ever hashed keeps its block: 4 × 19 MiB resident for good at 19 MiB,
 * at most 4 × 7 MiB here (measured in docs/benchmarks.md).
 */
export const PASSWORD_HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 7 * 1024, timeCost: 5, parallelism: 1 } as const;

/**
 * One argon2 computation at a time: ten logins at once then hold one block, not ten. A login
 * takes ~20–40 ms of one core; admins log in rarely, and the login rate limits bound the queue.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work, work);
  queue = result.catch(() => {});
  return result;
}

export const hashPassword = (password: string) => oneAtATime(() => argon2.hash(password, PASSWORD_HASH_OPTIONS));
/** Works with any argon2 hash, whatever parameters it was made with. */
export const verifyPassword = (hash: string, password: string) => oneAtATime(() => argon2.verify(hash, password));
/** A hash made with other parameters (an older release's), to be replaced at the next login. */
export const isOutdatedPasswordHash = (hash: string) => argon2.needsRehash(hash, PASSWORD_HASH_OPTIONS);

/** 256 random bits: unguessable, so a fast hash is enough to store it (no salt or stretching). */
export const newOpaqueToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
