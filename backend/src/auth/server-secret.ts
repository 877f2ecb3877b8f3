import { randomBytes } from 'node:crypto';
import type { Db } from '../db/db.js';

/**
 * The server's own secret called `name`: made once (32 random bytes) by whichever instance asks
 * first, then read by every instance and after every restart. Used when the operator sets no
 * PREX_SESSION_SECRET, so that visitors' tokens and pending one-time codes survive a restart and
 * work on every instance without configuration.
 */
export async function persistedSecret(db: Db, name: string): Promise<string> {
  await db.query('insert into server_secrets (name, value) values ($1, $2) on conflict (name) do nothing', [name, randomBytes(32).toString('base64url')]);
  const rows = await db.query<{ value: string }>('select value from server_secrets where name = $1', [name]);
  return rows[0]!.value;
}
