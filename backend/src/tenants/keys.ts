import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Keys are hex so they fit the protocol's key patterns (pk_/sk_ + [A-Za-z0-9_]).
 * Publishable: 128 random bits. Secret: a 48-bit public id and 256 random bits, `sk_<id>_<secret>`:
 * the id finds nothing by itself, but a wrong secret under a real id can be shown to its tenant.
 */
export function generatePublishableKey(): string {
  return `pk_${randomBytes(16).toString('hex')}`;
}

export interface GeneratedSecretKey {
  keyId: string;
  secretKey: string;
}

export function generateSecretKey(): GeneratedSecretKey {
  const keyId = randomBytes(6).toString('hex');
  return { keyId, secretKey: `sk_${keyId}_${randomBytes(32).toString('hex')}` };
}

/** Anything shaped like a secret key, today's or a legacy one (`sk_` + 64 hex, no id). */
export const SECRET_KEY_PATTERN = /^sk_[A-Za-z0-9_]{16,128}$/;
const KEY_ID_PATTERN = /^sk_([0-9a-f]{12})_[0-9a-f]{64}$/;

/** The public id of a well-formed current key; undefined for legacy keys and anything else. */
export function secretKeyId(secret: string): string | undefined {
  return KEY_ID_PATTERN.exec(secret)?.[1];
}

/** SHA-256 hex: secret keys are high-entropy, so a fast unsalted hash is enough to make a leaked table useless. */
export function hashSecretKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret against a stored hash. */
export function verifySecretKeyHash(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecretKey(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
