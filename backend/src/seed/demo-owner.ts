import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { AccountExistsError, accountExists } from '../staff/accounts.js';
import { generatePassword } from '../staff/password.js';
import { createAccountWithPassword } from '../staff/team.js';
import type { Tenant } from '../tenants/tenant.js';

/** The demo's console sign-in: an owner of the demo tenant, so the console can be tried at once. */
export const DEMO_OWNER_EMAIL = 'owner@demo.prex.local';

export interface DemoOwner {
  email: string;
  password: string;
}

/**
 * Creates the demo owner with a generated password, returned once: on the start that creates it
 * (a restart finds the account and returns nothing). Only its scrypt hash is stored, so a lost
 * password cannot be shown again: demoOwnerNotice says how to get back in.
 */
export async function ensureDemoOwner(db: Db, tenant: Tenant, log: Logger): Promise<DemoOwner | undefined> {
  if (await accountExists(db, tenant.id, DEMO_OWNER_EMAIL)) return undefined;
  const password = generatePassword();
  try {
    await createAccountWithPassword(db, { tenantId: tenant.id, email: DEMO_OWNER_EMAIL, role: 'owner', password });
  } catch (error) {
    // Another process sharing the database created it between our lookup and insert.
    if (error instanceof AccountExistsError) return undefined;
    throw error;
  }
  log.info('demo console owner created; main prints its password once', { tenant: tenant.id });
  return { email: DEMO_OWNER_EMAIL, password };
}

/**
 * What the operator reads on the start that created the demo owner. Written straight to stdout by
 * main, not through the logger: the logger always redacts emails, and this email is the point.
 */
export function demoOwnerNotice(owner: DemoOwner, serverUrl: string, publishableKey: string): string {
  return [
    '',
    `  Console sign-in (demo owner), shown only now: ${serverUrl}/console`,
    `    email:    ${owner.email}`,
    `    password: ${owner.password}`,
    `  Lost it? Make another owner (its password is printed): prex staff create --tenant ${publishableKey} --email you@example.com`,
    '  or ask for a reset link on the console\'s sign-in page (without PREX_SMTP_URL the mail lands in PREX_OUTBOX_DIR).',
    '',
  ].join('\n');
}
