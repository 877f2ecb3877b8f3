import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Keys are hex so they fit the protocol's publishable-key pattern (pk_ + [A-Za-z0-9_]).
 * Publishable: 128 random bits. Secret: 256 random bits.
 */
export function generatePublishableKey(): string {
  return `pk_${randomBytes(16).toString('hex')}`;
}

export function generateSecretKey(): string {
  return `sk_${randomBytes(32).toString('hex')}`;
}

export const SECRET_KEY_PATTERN = /^sk_[A-Za-z0-9_]{16,128}$/;

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
