import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session cookies and invite tokens: 256 random bits, base64url (43 characters). */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: its SHA-256 (hex). A 256-bit secret needs no slow hash. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The CSRF token of a session: an HMAC keyed by the session's own cookie token. Only someone who
 * holds the (httpOnly) cookie can compute it, and it changes with every session, so nothing is
 * stored for it and a token of one session is worthless in another.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('prex-staff-csrf').digest('base64url');
}

/** Constant-time equality of two strings (false at once on different lengths, which reveals only the length). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
