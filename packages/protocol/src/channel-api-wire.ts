/**
 * The channels API's runtime constants without zod (the console imports them through
 * '@prex/protocol/wire'), and the Node code a gateway's server signs its token with. The schemas are
 * in channel-api.ts; docs/channels-api.md.
 */

export const CHANNEL_API_ROUTES = {
  /** A user's message: answered by the tenant's agent, or kept for staff while a person has the conversation. */
  message: '/v1/channels/api/message',
  /** The gateway vouches for who the user is: the conversation is linked to that customer. */
  validate: '/v1/channels/api/validate',
  /** Hand the conversation to a person (idempotent). */
  escalate: '/v1/channels/api/escalate',
  /** Staff replies the gateway has not delivered yet (after a message id it last saw). */
  replies: '/v1/channels/api/replies',
  /** Make (or replace) the tenant's channel secret; the secret is in this response only (secret key). */
  rotateSecret: '/v1/admin/channels/api/secret',
  /** The same from the console (the owner alone). */
  staffRotateSecret: '/v1/staff/settings/channel-secret',
} as const;

/** What the gateway's token must say: HS256, `iss` the tenant id, this audience, a short life. */
export const CHANNEL_API_TOKEN = {
  audience: 'prex-channels-api',
  /** `exp` at most this far after `iat` (and after now): a leaked token is useless within minutes. */
  maxLifetimeSeconds: 600,
} as const;

/** Where the gateway's server keeps the channel secret, in the snippet below. */
export const CHANNEL_SECRET_ENV = 'PREX_CHANNEL_SECRET';

/**
 * Node (jose) code signing a gateway token exactly as the backend verifies it: HS256, `iss` the
 * tenant id, `aud` CHANNEL_API_TOKEN.audience, `iat` and an `exp` five minutes on (at most ten).
 */
export function channelTokenSnippet(tenantId: string, baseUrl: string): string {
  return `import { SignJWT } from 'jose';

// ${CHANNEL_SECRET_ENV}: the channel secret, kept on your server only.
const secret = new TextEncoder().encode(process.env.${CHANNEL_SECRET_ENV});

/** A fresh token for each request (or each few minutes): it lives 5 minutes, at most ${CHANNEL_API_TOKEN.maxLifetimeSeconds / 60} are accepted. */
export function prexChannelToken() {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(${JSON.stringify(tenantId)})
    .setAudience(${JSON.stringify(CHANNEL_API_TOKEN.audience)})
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(secret);
}

/** A user's message (conversationKey: their phone number or your user id); answers { answer, handedOver, … }. */
export async function sendToPrex(conversationKey, text) {
  const res = await fetch(${JSON.stringify(baseUrl + CHANNEL_API_ROUTES.message)}, {
    method: 'POST',
    headers: { authorization: \`Bearer \${await prexChannelToken()}\`, 'content-type': 'application/json' },
    body: JSON.stringify({ conversationKey, text }),
  });
  if (!res.ok) throw new Error(\`Prex answered \${res.status}: \${await res.text()}\`);
  return res.json();
}
`;
}
