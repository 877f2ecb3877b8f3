import { createHmac, timingSafeEqual } from 'node:crypto';
import { unauthorized } from '../http/errors.js';
import type { SessionClaims } from './session-claims.js';

/** Session and tenant ids: prefix, '_', base64url. Never contain '.', the token separator. */
const ID_PATTERN = /^[a-z]+_[A-Za-z0-9_-]+$/;
const EXP_PATTERN = /^[0-9]{1,12}$/;

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payload, 'utf8').digest();
}

/** `<sessionId>.<tenantId>.<expEpochSeconds>.<base64url HMAC-SHA256 of the first three parts>` */
export function signSessionToken(claims: SessionClaims, secret: string): string {
  const exp = Math.floor(claims.expiresAt.getTime() / 1000);
  const payload = `${claims.sessionId}.${claims.tenantId}.${exp}`;
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
}

/** The token's claims; throws a 401 HttpError saying whether it is malformed, forged or expired. */
export function verifySessionToken(token: string, secret: string, now: Date = new Date()): SessionClaims {
  const parts = token.split('.');
  const [sessionId, tenantId, exp, signature] = parts;
  if (parts.length !== 4 || !sessionId || !tenantId || !exp || !signature
    || !ID_PATTERN.test(sessionId) || !ID_PATTERN.test(tenantId) || !EXP_PATTERN.test(exp)) {
    throw unauthorized('Malformed session token: create a session with POST /v1/sessions');
  }
  const expected = mac(`${sessionId}.${tenantId}.${exp}`, secret);
  const presented = Buffer.from(signature, 'base64url');
  // One token, one spelling: base64url decoding ignores padding and the last character's spare
  // bits, so only the canonical encoding of the decoded bytes is accepted.
  const canonical = presented.toString('base64url') === signature;
  if (!canonical || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    throw unauthorized('Invalid session token signature: create a new session with POST /v1/sessions');
  }
  const expiresAt = new Date(Number(exp) * 1000);
  if (expiresAt.getTime() <= now.getTime()) {
    throw unauthorized('Session token expired: create a new session with POST /v1/sessions');
  }
  return { sessionId, tenantId, expiresAt };
}
