import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (senders' provider credentials, webhook signing secrets): AES-256-GCM under
 * SECRET_KEY, a fresh 96-bit IV per value, the owning row as additional data (`sender:7`: a
 * ciphertext copied onto another row does not decrypt). Stored as `v1.<iv>.<tag>.<ciphertext>`,
 * base64url parts.
 */
const VERSION = 'v1';

export function sealText(key: Buffer, additionalData: string, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The text, or an Error saying why it cannot be read (another SECRET_KEY, tampering, another row). */
export function openText(key: Buffer, additionalData: string, stored: string, what = 'value'): string {
  const [version, iv, tag, body] = stored.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error(`the stored ${what} are not in a known format`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(additionalData));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`the stored ${what} cannot be decrypted with this SECRET_KEY`);
  }
}

export function encryptCredentials(key: Buffer, senderId: number, credentials: Record<string, string>): string {
  return sealText(key, `sender:${senderId}`, JSON.stringify(credentials));
}

/** The credentials, or an Error saying why they cannot be read (another SECRET_KEY, tampering). */
export function decryptCredentials(key: Buffer, senderId: number, stored: string): Record<string, string> {
  return JSON.parse(openText(key, `sender:${senderId}`, stored, 'credentials')) as Record<string, string>;
}
