import { CHANNEL_API_TOKEN } from '@prex/protocol';
import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';

/** Small allowance for clocks that disagree between the gateway's server and ours. */
export const CLOCK_TOLERANCE_SECONDS = 30;

const TENANT_ID = /^ten_[A-Za-z0-9_-]{1,64}$/;

export type TokenCheck = { valid: true; tenantId: string } | { valid: false; why: string; tenantId?: string };

/** The tenant a token claims to come from (its `iss`), read before anything is verified. */
export function claimedTenant(token: string): { tenantId: string } | { why: string } {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    return { why: 'token is not a valid JWT' };
  }
  if (typeof iss !== 'string') return { why: 'token claim iss is missing: set it to your tenant id (ten_…)' };
  if (!TENANT_ID.test(iss)) return { why: 'token claim iss is not a tenant id (ten_…)' };
  return { tenantId: iss };
}

/**
 * A gateway's HS256 token, checked against the tenant's channel secret: the algorithm is pinned (no
 * "none", no RS/HS confusion), `iss` is the tenant, `aud` is the channels API, `exp` and `iat` are
 * required and the token lives at most CHANNEL_API_TOKEN.maxLifetimeSeconds, and `nbf` is honoured.
 */
export async function verifyChannelToken(token: string, tenantId: string, secret: string, now: Date): Promise<TokenCheck> {
  const max = CHANNEL_API_TOKEN.maxLifetimeSeconds;
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      issuer: tenantId,
      audience: CHANNEL_API_TOKEN.audience,
      requiredClaims: ['exp', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    });
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (payload.exp! - payload.iat! > max || payload.exp! > nowSeconds + max + CLOCK_TOLERANCE_SECONDS) {
      return { valid: false, tenantId, why: `token lives longer than ${max / 60} minutes: set exp at most ${max} seconds after iat` };
    }
    if (payload.iat! > nowSeconds + CLOCK_TOLERANCE_SECONDS) return { valid: false, tenantId, why: 'token claim iat is in the future: check the gateway server’s clock' };
    return { valid: true, tenantId };
  } catch (err) {
    return { valid: false, tenantId, why: describeJoseError(err) };
  }
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired: sign a new one for each request or each few minutes';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token must be signed with HS256';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature does not verify with the tenant’s channel secret';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return claimProblem(err);
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) return 'token is not a valid JWT';
  return 'token could not be verified';
}

function claimProblem(err: InstanceType<typeof joseErrors.JWTClaimValidationFailed>): string {
  if (err.reason === 'missing') return `token claim ${err.claim} is missing`;
  if (err.claim === 'aud') return `token claim aud must be "${CHANNEL_API_TOKEN.audience}"`;
  if (err.claim === 'iss') return 'token claim iss does not name the tenant whose secret signed it';
  if (err.claim === 'nbf') return 'token is not valid yet (nbf is in the future)';
  return `token claim ${err.claim} is invalid`;
}
