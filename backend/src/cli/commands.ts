import { Help, type Command } from 'commander';
import { LISTINGS } from './listings.js';

/**
 * The top-level commands of `prex`, as its help lists them, and the module that defines each in
 * full. Only the module of the command being run is imported: `prex --help` loads none of them
 * (the database, the parsers, the server), and `prex staff create` loads the staff module alone.
 */

type CommandName = keyof typeof LISTINGS;

/** Each module with the commands it registers, in the order help lists them. */
const MODULES: Array<{ commands: CommandName[]; load(): Promise<(program: Command) => void> }> = [
  { commands: ['ingest'], load: async () => (await import('./ingest.js')).registerIngestCommand },
  {
    commands: ['eval'],
    load: async () => {
      const [evalModule, answers] = await Promise.all([import('./eval.js'), import('./eval-answers.js')]);
      return (program) => answers.registerEvalAnswersCommand(evalModule.registerEvalCommands(program));
    },
  },
  { commands: ['tenants', 'keys'], load: async () => (await import('./tenants.js')).registerTenantCommands },
  { commands: ['staff'], load: async () => (await import('./staff.js')).registerStaffCommands },
  { commands: ['backup', 'restore'], load: async () => (await import('./backup.js')).registerBackupCommands },
  { commands: ['retention'], load: async () => (await import('./retention.js')).registerRetentionCommands },
];

/**
 * The command `args` (process.argv without node and the script) asks for: the first operand, or
 * the one after `help`. The top level has no option that takes a value, so any operand is a name.
 */
export function requestedCommand(args: readonly string[]): string | undefined {
  const operands = args.filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * Adds every command to `program`: in full for `load` ('all', or the one requested), the others as
 * listings that only name and describe themselves in help.
 */
export async function registerCommands(program: Command, load: string | undefined): Promise<void> {
  const listed = new Map<Command, string>();
  const defaultHelp = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => listed.get(cmd) ?? defaultHelp.subcommandTerm(cmd) });
  for (const module of MODULES) {
    if (load === 'all' || module.commands.some((name) => name === load)) {
      (await module.load())(program);
      continue;
    }
    for (const name of module.commands) listed.set(program.command(name).description(LISTINGS[name].description), LISTINGS[name].term);
  }
}
