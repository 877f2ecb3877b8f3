#!/usr/bin/env node
// `prex`: the operators' command line. Each command lives in its own module and registers itself.
import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { registerEvalAnswersCommand } from './eval-answers.js';
import { registerEvalCommands } from './eval.js';
import { registerIngestCommand } from './ingest.js';
import { registerTenantCommands } from './tenants.js';

const program = new Command('prex').description('Prex operators’ tools').showHelpAfterError();
registerIngestCommand(program);
registerEvalAnswersCommand(registerEvalCommands(program));
registerTenantCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? `prex: ${error.message}` : error);
  process.exit(1);
}
