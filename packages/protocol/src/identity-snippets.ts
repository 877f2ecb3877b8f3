/**
 * Server code a tenant copies to sign its visitors' identities, shown on the console's Settings
 * page. Each one does exactly what POST /v1/identity verifies (backend/src/customers/host-signature.ts):
 * - HMAC: hex HMAC-SHA256 of the user id's UTF-8 bytes, keyed with the identity secret's UTF-8 bytes;
 * - JWT: HS256, `sub` = the user id, `exp` required and at most 24 h ahead; optional `email`, `name`
 *   and `attributes` (stored as verified: the signature covers them).
 * The secret is read from an environment variable of the tenant's server, never written in the code.
 * backend/test/settings/identity-snippets.test.ts runs the Node ones (and Python's when python3 is
 * there) and checks the backend accepts what they produce. Zod-free: '@prex/protocol/wire' exports it.
 */

/** Where the snippets read the identity secret from on the tenant's server. */
export const IDENTITY_SECRET_ENV = 'PREX_IDENTITY_SECRET';

export type IdentitySigningMethod = 'hmac' | 'jwt';

export interface IdentitySnippet {
  language: 'Node.js' | 'Python' | 'PHP';
  method: IdentitySigningMethod;
  code: string;
}

const env = IDENTITY_SECRET_ENV;

const NODE_HMAC = `// On your server, for the signed-in user. ${env}: the identity secret (never in a web page).
import { createHmac } from 'node:crypto';

export function prexIdentity(userId) {
  const id = String(userId);
  const signature = createHmac('sha256', process.env.${env}).update(id, 'utf8').digest('hex');
  return { userId: id, signature };
}
// In the page: Prex('identify', { userId }, signature)
`;

const NODE_JWT = `// On your server, for the signed-in user. ${env}: the identity secret (never in a web page).
import { SignJWT } from 'jose'; // npm install jose

// attributes: what your support team sees as verified, e.g. { plan: user.plan } (at most 20).
export async function prexIdentityToken(user) {
  const id = String(user.id);
  const token = await new SignJWT({ email: user.email, name: user.name, attributes: user.attributes })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(id)
    .setIssuedAt()
    .setExpirationTime('1h') // at most 24 h
    .sign(new TextEncoder().encode(process.env.${env}));
  return { userId: id, token };
}
// In the page: Prex('identify', { userId }, token)
`;

const PYTHON_HMAC = `# On your server, for the signed-in user. ${env}: the identity secret (never in a web page).
import hashlib, hmac, os

def prex_identity(user_id):
    uid = str(user_id)
    secret = os.environ["${env}"].encode("utf-8")
    signature = hmac.new(secret, uid.encode("utf-8"), hashlib.sha256).hexdigest()
    return {"userId": uid, "signature": signature}
# In the page: Prex('identify', { userId }, signature)
`;

const PYTHON_JWT = `# On your server, for the signed-in user. ${env}: the identity secret (never in a web page).
import os, time
import jwt  # pip install PyJWT

# attributes: what your support team sees as verified, e.g. {"plan": user.plan} (at most 20).
def prex_identity_token(user_id, email=None, name=None, attributes=None):
    uid, now = str(user_id), int(time.time())
    claims = {"sub": uid, "iat": now, "exp": now + 3600}  # exp at most 24 h ahead
    if email: claims["email"] = email
    if name: claims["name"] = name
    if attributes: claims["attributes"] = attributes
    token = jwt.encode(claims, os.environ["${env}"], algorithm="HS256")
    return {"userId": uid, "token": token}
# In the page: Prex('identify', { userId }, token)
`;

const PHP_HMAC = `<?php
// On your server, for the signed-in user. ${env}: the identity secret (never in a web page).
function prex_identity(string $userId): array {
    $signature = hash_hmac('sha256', $userId, getenv('${env}'));
    return ['userId' => $userId, 'signature' => $signature];
}
// In the page: Prex('identify', { userId }, signature)
`;

const PHP_JWT = `<?php
// On your server, for the signed-in user. ${env}: the identity secret (never in a web page).
use Firebase\\JWT\\JWT; // composer require firebase/php-jwt

// $attributes: what your support team sees as verified, e.g. ['plan' => $user->plan] (at most 20).
function prex_identity_token(string $userId, ?string $email = null, ?string $name = null, ?array $attributes = null): array {
    $now = time();
    $claims = array_filter(['sub' => $userId, 'iat' => $now, 'exp' => $now + 3600, 'email' => $email, 'name' => $name, 'attributes' => $attributes]);
    $token = JWT::encode($claims, getenv('${env}'), 'HS256'); // exp at most 24 h ahead
    return ['userId' => $userId, 'token' => $token];
}
// In the page: Prex('identify', { userId }, token)
`;

export const IDENTITY_SNIPPETS: readonly IdentitySnippet[] = [
  { language: 'Node.js', method: 'hmac', code: NODE_HMAC },
  { language: 'Node.js', method: 'jwt', code: NODE_JWT },
  { language: 'Python', method: 'hmac', code: PYTHON_HMAC },
  { language: 'Python', method: 'jwt', code: PYTHON_JWT },
  { language: 'PHP', method: 'hmac', code: PHP_HMAC },
  { language: 'PHP', method: 'jwt', code: PHP_JWT },
];
