import { InvalidArgumentError, type Command } from 'commander';
import { SETTINGS_LIMITS, tenantSettingsPatchSchema } from '@prex/protocol';
import { createTenant, listTenants, previousPublishableKeys, rotatePublishableKey, rotateSecretKey, updateTenantSettings } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { LISTINGS } from './listings.js';
import { findTenant, withDatabase } from './database.js';

/**
 * `prex tenants create|list`, `prex keys rotate` and `prex keys rotate-publishable`: the operator's way
 * to add a workspace and to replace a lost or leaked key. Secret keys are printed once; only their hashes are stored.
 */

interface CreateOptions {
  name: string;
  origin: string[];
  adminOrigin?: string[];
  json?: boolean;
}

/** The longest grace period a rotation allows, the same as the console's. */
const MAX_GRACE_SECONDS = SETTINGS_LIMITS.maxGraceSeconds;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Origins and name checked with the same schema as PATCH /v1/admin/tenant, so the CLI and the API agree. */
function validated(options: CreateOptions): { name: string; allowedOrigins: string[]; adminOrigins: string[] } {
  const parsed = tenantSettingsPatchSchema.safeParse({ name: options.name, allowedOrigins: options.origin, adminOrigins: options.adminOrigin ?? [] });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
    throw new Error(`Invalid tenant: ${problems.join('; ')}`);
  }
  return { name: parsed.data.name!, allowedOrigins: parsed.data.allowedOrigins!, adminOrigins: parsed.data.adminOrigins! };
}

function graceSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_GRACE_SECONDS) {
    throw new InvalidArgumentError(`expected whole seconds from 0 to ${MAX_GRACE_SECONDS} (a week)`);
  }
  return seconds;
}

function tenantSummary(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    publishableKey: tenant.publishableKey,
    allowedOrigins: tenant.allowedOrigins,
    adminOrigins: tenant.adminOrigins,
    createdAt: tenant.createdAt.toISOString(),
  };
}

function printCreated(tenant: Tenant, secretKey: string): void {
  console.log(`Created tenant ${tenant.id} (${tenant.name})`);
  console.log(`  publishable key: ${tenant.publishableKey}   (for the <script> tag; safe in pages)`);
  console.log(`  secret key:      ${secretKey}`);
  console.log('                   shown once: keep it on your servers only (admin API, prex ingest --api)');
  console.log(`  allowed origins: ${tenant.allowedOrigins.join(', ')}`);
  console.log('\nPaste on your site:');
  console.log(`  <script src="https://YOUR-PREX-HOST/loader.js" data-prex-key="${tenant.publishableKey}" async></script>`);
}

export function registerTenantCommands(program: Command): void {
  const tenants = program.command('tenants').description(LISTINGS.tenants.description);

  tenants
    .command('create')
    .description('Create a tenant; prints its publishable key and its secret key (shown once)')
    .requiredOption('--name <name>', 'the business name visitors see')
    .requiredOption('--origin <url>', 'a site allowed to embed the widget, e.g. https://shop.example (repeat for several)', collect)
    .option('--admin-origin <url>', 'a page origin allowed to read the admin API from a browser (repeat; none by default)', collect)
    .option('--json', 'print JSON (for scripts) instead of text')
    .action(async (options: CreateOptions) => {
      const input = validated(options);
      await withDatabase(async (db) => {
        const { tenant, secretKey } = await createTenant(db, { name: input.name, allowedOrigins: input.allowedOrigins });
        const saved = input.adminOrigins.length ? ((await updateTenantSettings(db, tenant.id, { adminOrigins: input.adminOrigins })) ?? tenant) : tenant;
        if (options.json) console.log(JSON.stringify({ ...tenantSummary(saved), secretKey }, null, 2));
        else printCreated(saved, secretKey);
      });
    });

  tenants
    .command('list')
    .description('List every tenant, oldest first (never their secret keys)')
    .option('--json', 'print JSON instead of text')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const all = await listTenants(db);
        if (options.json) return console.log(JSON.stringify(all.map(tenantSummary), null, 2));
        if (all.length === 0) return console.log('No tenants yet: create one with prex tenants create --name … --origin …');
        for (const t of all) console.log(`${t.id}  ${t.publishableKey}  ${t.name}  [${t.allowedOrigins.join(', ')}]`);
      });
    });

  const keys = program.command('keys').description(LISTINGS.keys.description);
  keys
    .command('rotate')
    .description('Issue a new secret key (printed once); the tenant’s other keys stop working after --grace seconds')
    .requiredOption('--tenant <id-or-key>', 'tenant id (ten_…) or publishable key (pk_…)')
    .option('--grace <seconds>', `how long the old keys keep working, 0 to ${MAX_GRACE_SECONDS} (default 0: at once, for a leaked key)`, graceSeconds, 0)
    .option('--json', 'print JSON instead of text')
    .action(async (options: { tenant: string; grace: number; json?: boolean }) => {
      await withDatabase(async (db) => {
        const tenant = await findTenant(db, options.tenant);
        const secretKey = await rotateSecretKey(db, tenant.id, options.grace);
        const oldKeysExpireAt = new Date(Date.now() + options.grace * 1000).toISOString();
        if (options.json) return console.log(JSON.stringify({ tenantId: tenant.id, secretKey, oldKeysExpireAt }, null, 2));
        console.log(`New secret key for ${tenant.id} (${tenant.name}): ${secretKey}`);
        console.log(options.grace === 0 ? 'Every older key stopped working now.' : `Older keys keep working until ${oldKeysExpireAt}.`);
      });
    });
  keys
    .command('rotate-publishable')
    .description('Issue a new publishable key (for the <script> tag); the old one keeps opening the widget for --grace seconds')
    .requiredOption('--tenant <id-or-key>', 'tenant id (ten_…) or publishable key (pk_…)')
    .option('--grace <seconds>', `how long the old key keeps working, 0 to ${MAX_GRACE_SECONDS} (default 0: at once)`, graceSeconds, 0)
    .option('--json', 'print JSON instead of text')
    .action(async (options: { tenant: string; grace: number; json?: boolean }) => {
      await withDatabase(async (db) => {
        const found = await findTenant(db, options.tenant);
        const tenant = await rotatePublishableKey(db, found.id, options.grace);
        if (!tenant) throw new Error(`Tenant ${found.id} was deleted while rotating its key`);
        const previous = (await previousPublishableKeys(db, tenant.id)).map((k) => ({ publishableKey: k.publishableKey, expiresAt: k.expiresAt.toISOString() }));
        if (options.json) return console.log(JSON.stringify({ tenantId: tenant.id, publishableKey: tenant.publishableKey, previousPublishableKeys: previous }, null, 2));
        console.log(`New publishable key for ${tenant.id} (${tenant.name}): ${tenant.publishableKey}`);
        console.log('Put it in the data-prex-key attribute of the <script> tag on your site.');
        if (previous.length === 0) console.log('The old key stopped working now.');
        for (const k of previous) console.log(`${k.publishableKey} keeps working until ${k.expiresAt}.`);
      });
    });
}
