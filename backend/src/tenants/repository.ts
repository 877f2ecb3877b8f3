import { defaultTheme, themeOverrideSchema, themeSchema, type Theme, type ThemeOverride } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { generatePublishableKey, generateSecretKey, hashSecretKey, verifySecretKeyHash, SECRET_KEY_PATTERN } from './keys.js';
import type { Tenant } from './tenant.js';

interface TenantRow {
  id: string;
  name: string;
  publishable_key: string;
  secret_key_hash: string;
  allowed_origins: string[];
  theme: unknown;
  created_at: Date;
}

const COLUMNS = 'id, name, publishable_key, secret_key_hash, allowed_origins, theme, created_at';

export interface CreateTenantInput {
  name: string;
  /** Origins like https://shop.example; normalised to scheme://host[:port]. */
  allowedOrigins: string[];
  theme?: ThemeOverride;
  /** A fixed key (the demo tenant); generated when absent. */
  publishableKey?: string;
}

/** Creates a tenant. The secret key is returned here once and only its hash is stored. */
export async function createTenant(db: Db, input: CreateTenantInput): Promise<{ tenant: Tenant; secretKey: string }> {
  const secretKey = generateSecretKey();
  const theme = themeOverrideSchema.parse(input.theme ?? {});
  const rows = await db.query<TenantRow>(
    `insert into tenants (id, name, publishable_key, secret_key_hash, allowed_origins, theme)
     values ($1, $2, $3, $4, $5, $6::jsonb) returning ${COLUMNS}`,
    [newId('ten'), input.name, input.publishableKey ?? generatePublishableKey(), hashSecretKey(secretKey), normalizeOrigins(input.allowedOrigins), JSON.stringify(theme)],
  );
  return { tenant: toTenant(rows[0]!), secretKey };
}

export async function findByPublishableKey(db: Db, publishableKey: string): Promise<Tenant | undefined> {
  const rows = await db.query<TenantRow>(`select ${COLUMNS} from tenants where publishable_key = $1`, [publishableKey]);
  return rows[0] && toTenant(rows[0]);
}

export async function findById(db: Db, id: string): Promise<Tenant | undefined> {
  const rows = await db.query<TenantRow>(`select ${COLUMNS} from tenants where id = $1`, [id]);
  return rows[0] && toTenant(rows[0]);
}

/**
 * The tenant owning this secret key, if any. Looking the row up by the key's SHA-256 reveals nothing
 * useful through timing (the hash of a 256-bit secret); the final comparison is constant-time anyway.
 */
export async function verifySecretKey(db: Db, secret: string): Promise<Tenant | undefined> {
  if (!SECRET_KEY_PATTERN.test(secret)) return undefined;
  const rows = await db.query<TenantRow>(`select ${COLUMNS} from tenants where secret_key_hash = $1`, [hashSecretKey(secret)]);
  const row = rows[0];
  return row && verifySecretKeyHash(secret, row.secret_key_hash) ? toTenant(row) : undefined;
}

export async function updateAllowedOrigins(db: Db, tenantId: string, origins: string[]): Promise<void> {
  await db.query('update tenants set allowed_origins = $2 where id = $1', [tenantId, normalizeOrigins(origins)]);
}

/** Issues a new secret key (the old one stops working); returns it once. */
export async function rotateSecretKey(db: Db, tenantId: string): Promise<string> {
  const secretKey = generateSecretKey();
  await db.query('update tenants set secret_key_hash = $2 where id = $1', [tenantId, hashSecretKey(secretKey)]);
  return secretKey;
}

/** scheme://host[:port] exactly as browsers send it in the Origin header; throws on anything else. */
export function normalizeOrigins(origins: string[]): string[] {
  const normalized = origins.map((o) => {
    const url = new URL(o);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`origin must be http(s): ${o}`);
    return url.origin;
  });
  return [...new Set(normalized)];
}

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    publishableKey: row.publishable_key,
    allowedOrigins: row.allowed_origins,
    theme: readTheme(row.theme),
    createdAt: row.created_at,
  };
}

/** Completes the stored override with defaults; a row edited by hand into nonsense falls back to the defaults. */
function readTheme(stored: unknown): Theme {
  const parsed = themeSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : defaultTheme;
}
