import { InvalidArgumentError, type Command } from 'commander';
import { staffEmailSchema, staffRoleSchema, type StaffRole } from '@prex/protocol';
import { AccountExistsError } from '../staff/accounts.js';
import { generatePassword } from '../staff/password.js';
import { createAccountWithPassword } from '../staff/team.js';
import { LISTINGS } from './listings.js';
import { findTenant, withDatabase } from './database.js';

/**
 * `prex staff create`: the first account of a workspace (usually its owner), made by the operator.
 * Its password is generated and printed once; only its scrypt hash is stored. Everyone else joins
 * through an invitation the owner sends from the console.
 */

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidArgumentError(result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

export function registerStaffCommands(program: Command): void {
  program
    .command('staff')
    .description(LISTINGS.staff.description)
    .command('create')
    .description('Create a staff account with a generated password (printed once)')
    .requiredOption('--tenant <id-or-key>', 'tenant id (ten_…) or publishable key (pk_…)')
    .requiredOption('--email <email>', 'the person’s email, which they sign in with', (v: string) => parsed(staffEmailSchema, v))
    .option('--role <role>', 'owner, admin or agent', (v: string) => parsed(staffRoleSchema, v), 'owner' as StaffRole)
    .option('--json', 'print JSON instead of text')
    .action(async (options: { tenant: string; email: string; role: StaffRole; json?: boolean }) => {
      await withDatabase(async (db) => {
        const tenant = await findTenant(db, options.tenant);
        const password = generatePassword();
        const account = await createAccountWithPassword(db, { tenantId: tenant.id, email: options.email, role: options.role, password }).catch((error: unknown) => {
          if (error instanceof AccountExistsError) throw new Error(`${options.email} already has a staff account in ${tenant.id} (${tenant.name})`);
          throw error;
        });
        if (options.json) return console.log(JSON.stringify({ id: account.id, tenantId: tenant.id, email: account.email, role: account.role, password }, null, 2));
        console.log(`Created ${account.role} ${account.email} in ${tenant.id} (${tenant.name})`);
        console.log(`  password: ${password}`);
        console.log('            shown once: hand it over privately; it signs in at POST /v1/staff/login (the console, once it ships)');
      });
    });
}
