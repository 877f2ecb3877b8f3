import { defaultTheme, themeOverrideSchema, themeSchema, type AdminThemeResponse, type Theme, type ThemeOverride } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';
import { generatePublishableKey, generateSecretKey, hashSecretKey, secretKeyId, verifySecretKeyHash, SECRET_KEY_PATTERN } from './keys.js';
import type { Tenant } from './tenant.js';

interface TenantRow {
  id: string;
  name: string;
  publishable_key: string;
  allowed_origins: string[];
  admin_origins: string[];
  theme: unknown;
  voice_input: 'browser' | 'server' | 'off';
  image_hosts: string[];
  created_at: Date;
}

const COLUMNS = 'id, name, publishable_key, allowed_origins, admin_origins, theme, voice_input, image_hosts, created_at';
const TENANT_COLUMNS = COLUMNS.split(', ').map((c) => `t.${c}`).join(', ');

export interface CreateTenantInput {
  name: string;
  /** Origins like https://shop.example; normalised to scheme://host[:port]. */
  allowedOrigins: string[];
  theme?: ThemeOverride;
  /** A fixed key (the demo tenant); generated when absent. */
  publishableKey?: string;
}

/** Creates a tenant and its first secret key. The key is returned here once and only its hash is stored. */
export async function createTenant(db: Db, input: CreateTenantInput): Promise<{ tenant: Tenant; secretKey: string }> {
  const theme = themeOverrideSchema.parse(input.theme ?? {});
  return db.transaction(async (tx) => {
    const rows = await tx.query<TenantRow>(
      `insert into tenants (id, name, publishable_key, allowed_origins, theme)
       values ($1, $2, $3, $4, $5::jsonb) returning ${COLUMNS}`,
      [newId('ten'), input.name, input.publishableKey ?? generatePublishableKey(), normalizeOrigins(input.allowedOrigins), JSON.stringify(theme)],
    );
    const tenant = toTenant(rows[0]!);
    return { tenant, secretKey: await insertSecretKey(tx, tenant.id) };
  });
}

async function insertSecretKey(db: Db, tenantId: string): Promise<string> {
  const { keyId, secretKey } = generateSecretKey();
  await db.query('insert into secret_keys (id, tenant_id, key_hash) values ($1, $2, $3)', [keyId, tenantId, hashSecretKey(secretKey)]);
  return secretKey;
}

/** The tenant a publishable key opens: its current key, or a key a rotation replaced while its grace lasts. */
export async function findByPublishableKey(db: Db, publishableKey: string): Promise<Tenant | undefined> {
  const rows = await db.query<TenantRow>(
    `select ${COLUMNS} from tenants where publishable_key = $1
     union all
     select ${TENANT_COLUMNS} from previous_publishable_keys p join tenants t on t.id = p.tenant_id
      where p.publishable_key = $1 and p.expires_at > now()
     limit 1`,
    [publishableKey],
  );
  return rows[0] && toTenant(rows[0]);
}

export interface PreviousPublishableKey {
  publishableKey: string;
  expiresAt: Date;
}

/** The tenant's replaced publishable keys that still work, the one ending first first. */
export async function previousPublishableKeys(db: Db, tenantId: string): Promise<PreviousPublishableKey[]> {
  const rows = await db.query<{ publishable_key: string; expires_at: Date }>(
    'select publishable_key, expires_at from previous_publishable_keys where tenant_id = $1 and expires_at > now() order by expires_at, publishable_key',
    [tenantId],
  );
  return rows.map((r) => ({ publishableKey: r.publishable_key, expiresAt: r.expires_at }));
}

/**
 * Issues a new publishable key. The replaced key (and any earlier one still in its grace) keeps
 * opening the widget for `graceSeconds` (0: refused at once), so pages cached with the old snippet
 * keep working while the site redeploys. Returns the tenant with its new key; undefined when it does not exist.
 */
export async function rotatePublishableKey(db: Db, tenantId: string, graceSeconds = 0): Promise<Tenant | undefined> {
  return db.transaction(async (tx) => {
    await tx.query(
      `update previous_publishable_keys set expires_at = least(expires_at, now() + make_interval(secs => $2)) where tenant_id = $1`,
      [tenantId, graceSeconds],
    );
    if (graceSeconds > 0) {
      await tx.query(
        `insert into previous_publishable_keys (tenant_id, publishable_key, expires_at)
         select id, publishable_key, now() + make_interval(secs => $2) from tenants where id = $1`,
        [tenantId, graceSeconds],
      );
    }
    await tx.query('delete from previous_publishable_keys where tenant_id = $1 and expires_at <= now()', [tenantId]);
    const rows = await tx.query<TenantRow>(`update tenants set publishable_key = $2 where id = $1 returning ${COLUMNS}`, [tenantId, generatePublishableKey()]);
    return rows[0] && toTenant(rows[0]);
  });
}

export async function findById(db: Db, id: string): Promise<Tenant | undefined> {
  const rows = await db.query<TenantRow>(`select ${COLUMNS} from tenants where id = $1`, [id]);
  return rows[0] && toTenant(rows[0]);
}

/** A presented secret key: the tenant it opens, or why not (and whose key id it named, if any). */
export type SecretKeyCheck =
  | { ok: true; tenant: Tenant }
  | { ok: false; reason: 'unknown' | 'expired'; tenantId: string | undefined };

/**
 * Checks a secret key. Looking the row up by the key's SHA-256 reveals nothing useful through
 * timing (the hash of a 256-bit secret); the final comparison is constant-time anyway. A wrong
 * secret under a real key id is attributed to that id's tenant, so the tenant can see the attempts.
 */
export async function verifySecretKey(db: Db, secret: string): Promise<SecretKeyCheck> {
  if (!SECRET_KEY_PATTERN.test(secret)) return { ok: false, reason: 'unknown', tenantId: undefined };
  const rows = await db.query<TenantRow & { key_hash: string; expired: boolean }>(
    `select ${TENANT_COLUMNS}, k.key_hash, (k.expires_at is not null and k.expires_at <= now()) as expired
       from secret_keys k join tenants t on t.id = k.tenant_id
      where k.key_hash = $1`,
    [hashSecretKey(secret)],
  );
  const row = rows[0];
  if (row && verifySecretKeyHash(secret, row.key_hash)) {
    return row.expired ? { ok: false, reason: 'expired', tenantId: row.id } : { ok: true, tenant: toTenant(row) };
  }
  return { ok: false, reason: 'unknown', tenantId: await tenantOfKeyId(db, secretKeyId(secret)) };
}

async function tenantOfKeyId(db: Db, keyId: string | undefined): Promise<string | undefined> {
  if (!keyId) return undefined;
  const rows = await db.query<{ tenant_id: string }>('select tenant_id from secret_keys where id = $1', [keyId]);
  return rows[0]?.tenant_id;
}

export async function updateAllowedOrigins(db: Db, tenantId: string, origins: string[]): Promise<void> {
  await db.query('update tenants set allowed_origins = $2 where id = $1', [tenantId, normalizeOrigins(origins)]);
}

/** Changes the given settings; undefined when the tenant does not exist. */
export async function updateTenantSettings(
  db: Db,
  tenantId: string,
  patch: {
    name?: string | undefined;
    allowedOrigins?: string[] | undefined;
    adminOrigins?: string[] | undefined;
    voiceInput?: Tenant['voiceInput'] | undefined;
    imageHosts?: string[] | undefined;
  },
): Promise<Tenant | undefined> {
  const rows = await db.query<TenantRow>(
    `update tenants set name = coalesce($2, name), allowed_origins = coalesce($3, allowed_origins), admin_origins = coalesce($4, admin_origins),
            voice_input = coalesce($5, voice_input), image_hosts = coalesce($6, image_hosts)
      where id = $1 returning ${COLUMNS}`,
    [
      tenantId,
      patch.name ?? null,
      patch.allowedOrigins ? normalizeOrigins(patch.allowedOrigins) : null,
      patch.adminOrigins ? normalizeOrigins(patch.adminOrigins) : null,
      patch.voiceInput ?? null,
      patch.imageHosts ?? null,
    ],
  );
  return rows[0] && toTenant(rows[0]);
}

/**
 * Adds one allowed origin (normalised) in one statement, so two staff adding at once both land.
 * Already there: unchanged. 'full' when the tenant already has `max`; undefined when it does not exist.
 */
export async function addAllowedOrigin(db: Db, tenantId: string, origin: string, max: number): Promise<Tenant | 'full' | undefined> {
  const [normalized] = normalizeOrigins([origin]);
  const rows = await db.query<TenantRow>(
    `update tenants set allowed_origins = case when $2 = any(allowed_origins) then allowed_origins else array_append(allowed_origins, $2) end
      where id = $1 and ($2 = any(allowed_origins) or cardinality(allowed_origins) < $3) returning ${COLUMNS}`,
    [tenantId, normalized, max],
  );
  if (rows[0]) return toTenant(rows[0]);
  return (await findById(db, tenantId)) ? 'full' : undefined;
}

/** Removes one allowed origin; undefined when the tenant does not have it. */
export async function removeAllowedOrigin(db: Db, tenantId: string, origin: string): Promise<Tenant | undefined> {
  const rows = await db.query<TenantRow>(
    `update tenants set allowed_origins = array_remove(allowed_origins, $2) where id = $1 and $2 = any(allowed_origins) returning ${COLUMNS}`,
    [tenantId, origin],
  );
  return rows[0] && toTenant(rows[0]);
}

/**
 * Issues a new secret key, returned once. The tenant's other keys stop working after
 * `graceSeconds` (0: at once), so servers can switch over without downtime.
 */
export async function rotateSecretKey(db: Db, tenantId: string, graceSeconds = 0): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query(
      `update secret_keys set expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2))
        where tenant_id = $1`,
      [tenantId, graceSeconds],
    );
    return insertSecretKey(tx, tenantId);
  });
}

/** Every tenant, oldest first (the operator's CLI). */
export async function listTenants(db: Db): Promise<Tenant[]> {
  const rows = await db.query<TenantRow>(`select ${COLUMNS} from tenants order by created_at, id`);
  return rows.map(toTenant);
}

/** What is stored for the tenant (a partial theme) and the complete theme the widget draws with. */
export async function readStoredTheme(db: Db, tenantId: string): Promise<AdminThemeResponse> {
  const rows = await db.query<{ theme: unknown }>('select theme from tenants where id = $1', [tenantId]);
  const stored = readStoredOverride(rows[0]?.theme);
  return { stored, theme: readTheme(stored) };
}

/** Replaces the tenant's stored theme (already validated by the caller's schema). */
export async function saveTheme(db: Db, tenantId: string, theme: ThemeOverride): Promise<void> {
  await db.query('update tenants set theme = $2::jsonb where id = $1', [tenantId, JSON.stringify(theme)]);
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
    adminOrigins: row.admin_origins,
    theme: readTheme(row.theme),
    voiceInput: row.voice_input,
    imageHosts: row.image_hosts,
    createdAt: row.created_at,
  };
}

/**
 * The stored override under today's rules. Tenant CSS saved under older, looser rules (before the
 * allow-list) that no longer passes is dropped rather than the whole theme; a row edited by hand
 * into nonsense reads as {}.
 */
function readStoredOverride(stored: unknown): ThemeOverride {
  const parsed = themeOverrideSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  if (stored && typeof stored === 'object' && 'customCss' in stored) {
    const { customCss: _dropped, ...rest } = stored;
    return readStoredOverride(rest);
  }
  return {};
}

/** Completes the stored override with defaults. */
function readTheme(stored: unknown): Theme {
  const parsed = themeSchema.safeParse(readStoredOverride(stored));
  return parsed.success ? parsed.data : defaultTheme;
}
