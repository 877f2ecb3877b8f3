import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { backupDatabase, restoreDatabase, type BackupOutcome, type RestoreOutcome } from '../db/backup.js';
import { createLogger } from '../logger.js';
import { LISTINGS } from './listings.js';


/** `prex backup FILE` and `prex restore FILE [--force]`. */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(LISTINGS.backup.description)
    .argument('<file>', 'where to write the backup')
    .action(async (file: string) => {
      const config = loadConfig(process.env);
      const outcome = await backupDatabase(config.database, file, quietLog(config.logLevel));
      console.log(`Backed up ${where(outcome.kind)} to ${file} (${formatBytes(outcome.bytes)}): ${summary(outcome)}.`);
    });

  program
    .command('restore')
    .description(LISTINGS.restore.description)
    .argument('<file>', 'a file written by prex backup')
    .option('--force', 'replace a database that holds data (a Postgres server: its tables are dropped and recreated; the embedded one: its directory is moved aside)')
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadConfig(process.env);
      const outcome = await restoreDatabase(config.database, file, { force: Boolean(options.force), log: quietLog(config.logLevel) });
      console.log(`Restored ${file} into ${where(outcome.kind)}: ${summary(outcome)}.`);
      if ((outcome as RestoreOutcome).movedAside) console.log(`The data directory it replaced was moved to ${(outcome as RestoreOutcome).movedAside}; delete it once you no longer need it.`);
    });
}

function quietLog(level: ReturnType<typeof loadConfig>['logLevel']) {
  return createLogger(process.env.LOG_LEVEL ? level : 'warn');
}

function where(kind: BackupOutcome['kind']): string {
  return kind === 'postgres' ? 'the Postgres database (DATABASE_URL)' : 'the embedded database (PREX_DATA_DIR)';
}

function summary(outcome: BackupOutcome): string {
  const rows = outcome.tables.reduce((sum, t) => sum + t.rows, 0);
  return `${outcome.tables.length} tables, ${rows} rows`;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
