#!/usr/bin/env node
// `prex`: the operators' command line. Each command lives in its own module, imported only when it runs (commands.ts).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerCommands, requestedCommand } from './commands.js';

/** backend/package.json, from backend/src/cli or backend/dist/cli: the version is the package's, in one place. */
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('prex').description('Prex operators’ tools').version(version, '-V, --version', 'print the Prex version').showHelpAfterError();

try {
  await registerCommands(program, requestedCommand(process.argv.slice(2)));
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? `prex: ${error.message}` : error);
  process.exit(1);
}
