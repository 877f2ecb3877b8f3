import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';

/** A JWT may not live longer than this: a leaked token stops working within a day. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;
/** Small allowance for clocks that disagree between the host's server and ours. */
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface HostIdentity {
  userId: string;
  /** Claimed by the host (the JWT's email/name claims); never marked verified by Prex. */
  email: string | null;
  name: string | null;
  /** The JWT's `attributes` claim as it came (undefined without one): signed, but checked like any input (identity.ts). */
  attributesClaim?: unknown;
}

export type SignatureCheck = { valid: true; identity: HostIdentity } | { valid: false; why: string };

/** Hex HMAC-SHA256 of the user id, keyed with the identity secret (UTF-8 bytes). */
export function signUserId(userId: string, secret: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Compares in constant time; a signature of the wrong length is simply wrong. */
export function verifyUserIdSignature(userId: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(signUserId(userId, secret), 'hex');
  const presented = Buffer.from(signature, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/**
 * An HS256 JWT from the host's server: the algorithm is pinned (no "none", no RS/HS confusion),
 * `exp` is required and at most 24 h ahead, and `sub` must be the user id sent alongside. Its
 * optional `email`, `name` and `attributes` claims are covered by the signature.
 */
export async function verifyIdentityToken(token: string, userId: string, secret: string, now: Date): Promise<SignatureCheck> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    });
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (payload.exp! > nowSeconds + MAX_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
      return { valid: false, why: 'token expires more than 24 hours ahead: issue short-lived tokens' };
    }
    if (payload.sub !== userId) return { valid: false, why: 'token sub does not match userId' };
    return {
      valid: true,
      identity: { userId, email: stringClaim(payload.email), name: stringClaim(payload.name), attributesClaim: payload.attributes },
    };
  } catch (err) {
    return { valid: false, why: describeJoseError(err) };
  }
}

const stringClaim = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token must be signed with HS256';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature does not verify with the identity secret';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim ${err.claim} is ${err.reason === 'missing' ? 'missing' : 'invalid'}`;
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return 'token is not a valid JWT';
  return 'token could not be verified';
}
