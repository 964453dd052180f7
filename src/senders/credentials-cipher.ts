import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Provider credentials at rest: AES-256-GCM under SECRET_KEY, a fresh 96-bit IV per value, the
 * sender's id as additional data (a ciphertext copied onto another sender does not decrypt).
 * Stored as `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 */
const VERSION = 'v1';

export function encryptCredentials(key: Buffer, senderId: number, credentials: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`sender:${senderId}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The credentials, or an Error saying why they cannot be read (another SECRET_KEY, tampering). */
export function decryptCredentials(key: Buffer, senderId: number, stored: string): Record<string, string> {
  const [version, iv, tag, body] = stored.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('the stored credentials are not in a known format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`sender:${senderId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Record<string, string>;
  } catch {
    throw new Error('the stored credentials cannot be decrypted with this SECRET_KEY');
  }
}
