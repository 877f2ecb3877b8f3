import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/errors.js';
import { signSessionToken, verifySessionToken } from '../../src/auth/session-token.js';
import { generatePublishableKey, generateSecretKey, hashSecretKey, secretKeyId, verifySecretKeyHash } from '../../src/tenants/keys.js';
import { publishableKeySchema } from '@prex/protocol';

const SECRET = 'a-very-long-session-secret-for-these-tests';
const claims = { sessionId: 'ses_abc-DEF_123', tenantId: 'ten_xyz', expiresAt: new Date('2030-01-01T00:00:00Z') };

function rejection(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('session tokens', () => {
  it('round-trips the claims', () => {
    const token = signSessionToken(claims, SECRET);
    expect(token.split('.')).toHaveLength(4);
    expect(token.startsWith('ses_abc-DEF_123.ten_xyz.1893456000.')).toBe(true);
    expect(verifySessionToken(token, SECRET, new Date('2029-12-31T23:59:59Z'))).toEqual(claims);
  });

  it('rejects forged, expired and malformed tokens with distinct 401 messages', () => {
    const token = signSessionToken(claims, SECRET);
    const [s, t, exp, mac] = token.split('.');
    const forgedTenant = rejection(() => verifySessionToken(`${s}.ten_other.${exp}.${mac}`, SECRET));
    const forgedExpiry = rejection(() => verifySessionToken(`${s}.${t}.9999999999.${mac}`, SECRET));
    const otherSecret = rejection(() => verifySessionToken(signSessionToken(claims, `${SECRET}!`), SECRET));
    const expired = rejection(() => verifySessionToken(token, SECRET, new Date('2030-01-01T00:00:01Z')));
    const malformed = ['', 'abc', `${s}.${t}.${exp}`, `${s}.${t}.soon.${mac}`, `${token}.extra`, `a b.${t}.${exp}.${mac}`].map((bad) =>
      rejection(() => verifySessionToken(bad, SECRET)),
    );
    for (const err of [forgedTenant, forgedExpiry, otherSecret, expired, ...malformed]) {
      expect(err.status).toBe(401);
      expect(err.code).toBe('unauthorized');
    }
    expect(forgedTenant.message).toMatch(/signature/);
    expect(forgedExpiry.message).toMatch(/signature/);
    expect(otherSecret.message).toMatch(/signature/);
    expect(expired.message).toMatch(/expired/);
    for (const err of malformed) expect(err.message).toMatch(/Malformed/);
  });

  it('accepts one spelling of a token only: no padding, no other encoding of the same signature bits', () => {
    const token = signSessionToken(claims, SECRET);
    const [s, t, exp, mac] = token.split('.') as [string, string, string, string];
    // 32 bytes take 43 base64url characters; the last one carries 2 spare bits.
    const last = mac.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBits = alphabet[(alphabet.indexOf(last) & ~3) | ((alphabet.indexOf(last) + 1) & 3)]!;
    expect(Buffer.from(`${mac.slice(0, -1)}${sameBits}`, 'base64url')).toEqual(Buffer.from(mac, 'base64url'));
    for (const variant of [`${token}=`, `${token}==`, `${s}.${t}.${exp}.${mac.slice(0, -1)}${sameBits}`]) {
      expect(rejection(() => verifySessionToken(variant, SECRET)).status).toBe(401);
    }
    expect(verifySessionToken(token, SECRET).sessionId).toBe(claims.sessionId);
  });
});

describe('keys', () => {
  it('publishable keys fit the protocol pattern and carry 128 random bits', () => {
    const key = generatePublishableKey();
    expect(publishableKeySchema.safeParse(key).success).toBe(true);
    expect(key.length - 3).toBeGreaterThanOrEqual(32);
    expect(generatePublishableKey()).not.toBe(key);
  });

  it('secret keys carry a public id and 256 random bits, and verify against their hash only', () => {
    const { keyId, secretKey: secret } = generateSecretKey();
    expect(secret).toMatch(new RegExp(`^sk_${keyId}_[0-9a-f]{64}$`));
    expect(secretKeyId(secret)).toBe(keyId);
    expect(secretKeyId(`sk_${'a'.repeat(64)}`)).toBeUndefined();
    const hash = hashSecretKey(secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySecretKeyHash(secret, hash)).toBe(true);
    expect(verifySecretKeyHash(generateSecretKey().secretKey, hash)).toBe(false);
    expect(verifySecretKeyHash(secret, 'not-hex')).toBe(false);
  });
});
