import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/** Six digits, uniformly random (leading zeros kept). */
export const generateCode = (): string => String(randomInt(0, 1_000_000)).padStart(6, '0');

/**
 * Codes are stored as an HMAC keyed with the server's session secret: a leaked table does not
 * give the codes away (a plain hash of 10^6 values would), and binding the tenant and email into the
 * MAC means a code is worthless for any other mailbox or tenant.
 */
export function hashCode(secret: string, tenantId: string, email: string, code: string): string {
  return createHmac('sha256', secret).update(`${tenantId}\n${email}\n${code}`, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
