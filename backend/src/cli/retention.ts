import { InvalidArgumentError, type Command } from 'commander';
import { staffRetentionRequestSchema } from '@prex/protocol';
import { conversationRetentionDays, setConversationRetentionDays } from '../retention/setting.js';
import { LISTINGS } from './listings.js';
import { findTenant, withDatabase } from './database.js';

/**
 * `prex retention show|set <days>|off --tenant <id>`: the console's data retention for operators.
 * Checked with the same schema as the console and the admin API (PUT /v1/admin/retention).
 */

interface TenantOptions {
  tenant: string;
  json?: boolean;
}

function retentionDays(value: string): number {
  const parsed = staffRetentionRequestSchema.safeParse({ conversationRetentionDays: value.trim() === '' ? value : Number(value) });
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message.replace('conversationRetentionDays', 'days'));
  return parsed.data.conversationRetentionDays!;
}

function describe(days: number | null): string {
  return days === null ? 'conversations are kept (retention off)' : `conversations quiet for more than ${days} days are deleted within the hour`;
}

/** Sets the period and prints what is now in force. */
async function save(options: TenantOptions, days: number | null): Promise<void> {
  await withDatabase(async (db) => {
    const tenant = await findTenant(db, options.tenant);
    await setConversationRetentionDays(db, tenant.id, days);
    const now = await conversationRetentionDays(db, tenant.id);
    if (options.json) return console.log(JSON.stringify({ tenantId: tenant.id, conversationRetentionDays: now }, null, 2));
    console.log(`${tenant.id} (${tenant.name}): ${describe(now)}`);
  });
}

const tenantOption = ['--tenant <id-or-key>', 'tenant id (ten_…) or publishable key (pk_…)'] as const;

export function registerRetentionCommands(program: Command): void {
  const retention = program.command('retention').description(LISTINGS.retention.description);

  retention
    .command('show')
    .description('Print the tenant’s retention period')
    .requiredOption(...tenantOption)
    .option('--json', 'print JSON instead of text')
    .action(async (options: TenantOptions) => {
      await withDatabase(async (db) => {
        const tenant = await findTenant(db, options.tenant);
        const days = await conversationRetentionDays(db, tenant.id);
        if (options.json) return console.log(JSON.stringify({ tenantId: tenant.id, conversationRetentionDays: days }, null, 2));
        console.log(`${tenant.id} (${tenant.name}): ${describe(days)}`);
      });
    });

  retention
    .command('set')
    .description('Delete conversations quiet for more than <days> (7 to 3650)')
    .argument('<days>', 'whole days, 7 to 3650', retentionDays)
    .requiredOption(...tenantOption)
    .option('--json', 'print JSON instead of text')
    .action((days: number, options: TenantOptions) => save(options, days));

  retention
    .command('off')
    .description('Keep conversations (turn deletion off)')
    .requiredOption(...tenantOption)
    .option('--json', 'print JSON instead of text')
    .action((options: TenantOptions) => save(options, null));
}
