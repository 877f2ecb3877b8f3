import { randomBytes } from 'node:crypto';
import { customerSettingsSchema, defaultCustomerSettings, type CustomerSettings } from '@prex/protocol';
import type { Db } from '../db/db.js';

/**
 * The tenant's customer settings (signed identity required? summary emails? handoff notices?). Stored as a partial
 * document; what is missing, or was edited by hand into nonsense, reads as the defaults.
 */
export async function customerSettings(db: Db, tenantId: string): Promise<CustomerSettings> {
  const rows = await db.query<{ customer_settings: unknown }>('select customer_settings from tenants where id = $1', [tenantId]);
  const stored = (rows[0]?.customer_settings ?? {}) as Partial<CustomerSettings>;
  const merged = {
    ...defaultCustomerSettings,
    ...stored,
    summaryEmails: { ...defaultCustomerSettings.summaryEmails, ...(stored.summaryEmails ?? {}) },
    // Settings stored before handoff emails existed have none: they read as the default (nobody).
    handoffEmails: { ...defaultCustomerSettings.handoffEmails, ...(stored.handoffEmails ?? {}) },
  };
  const parsed = customerSettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : defaultCustomerSettings;
}

export async function saveCustomerSettings(db: Db, tenantId: string, settings: CustomerSettings): Promise<void> {
  await db.query('update tenants set customer_settings = $2::jsonb where id = $1', [tenantId, JSON.stringify(settings)]);
}

const newSecret = () => `ids_${randomBytes(32).toString('base64url')}`;

/**
 * The key the host site signs identities with, generated on first need. Two requests racing here
 * both end up with the one that was stored first.
 */
export async function identitySecret(db: Db, tenantId: string): Promise<string> {
  const rows = await db.query<{ identity_secret: string }>(
    `update tenants set identity_secret = coalesce(identity_secret, $2) where id = $1 returning identity_secret`,
    [tenantId, newSecret()],
  );
  return rows[0]!.identity_secret;
}

/** Issues a new identity secret: identities signed with the old one stop verifying at once. */
export async function rotateIdentitySecret(db: Db, tenantId: string): Promise<string> {
  const secret = newSecret();
  await db.query('update tenants set identity_secret = $2 where id = $1', [tenantId, secret]);
  return secret;
}
