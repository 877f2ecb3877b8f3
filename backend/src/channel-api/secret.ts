import { randomBytes } from 'node:crypto';
import type { Db } from '../db/db.js';

/**
 * The tenant's channel secret, the HS256 key its gateways sign their tokens with. The only code
 * touching channel_api_secrets. Kept as is, like the identity secret: verifying an HMAC needs the
 * key itself, so a hash would not do.
 */

const newSecret = () => `chs_${randomBytes(32).toString('base64url')}`;

/** Makes a new secret (the first, or replacing the old one, which stops verifying at once). */
export async function rotateChannelSecret(db: Db, tenantId: string): Promise<string> {
  const secret = newSecret();
  await db.query(
    `insert into channel_api_secrets (tenant_id, secret) values ($1, $2)
     on conflict (tenant_id) do update set secret = excluded.secret, created_at = now()`,
    [tenantId, secret],
  );
  return secret;
}

/** Server-side only: never put in a response or a log line. Undefined until the owner made one. */
export async function channelSecretOf(db: Db, tenantId: string): Promise<string | undefined> {
  const rows = await db.query<{ secret: string }>('select secret from channel_api_secrets where tenant_id = $1', [tenantId]);
  return rows[0]?.secret;
}

/** Whether the tenant has a channel secret, for the console (which never sees the secret). */
export async function hasChannelSecret(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db.query<{ one: number }>('select 1 as one from channel_api_secrets where tenant_id = $1', [tenantId]);
  return rows.length > 0;
}
