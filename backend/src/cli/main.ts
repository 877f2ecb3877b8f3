#!/usr/bin/env node
// `prex`: the operators' command line. Each command lives in its own module and registers itself.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { registerBackupCommands } from './backup.js';
import { registerEvalAnswersCommand } from './eval-answers.js';
import { registerEvalCommands } from './eval.js';
import { registerIngestCommand } from './ingest.js';
import { registerRetentionCommands } from './retention.js';
import { registerStaffCommands } from './staff.js';
import { registerTenantCommands } from './tenants.js';

/** backend/package.json, from backend/src/cli or backend/dist/cli: the version is the package's, in one place. */
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('prex').description('Prex operators’ tools').version(version, '-V, --version', 'print the Prex version').showHelpAfterError();
registerIngestCommand(program);
registerEvalAnswersCommand(registerEvalCommands(program));
registerTenantCommands(program);
registerStaffCommands(program);
registerBackupCommands(program);
registerRetentionCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? `prex: ${error.message}` : error);
  process.exit(1);
}
