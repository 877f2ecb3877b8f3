import { Help, type Command } from 'commander';

/**
 * The top-level commands of `prex`, as its help lists them, and the module that defines each in
 * full. Only the module of the command being run is imported: `prex --help` loads none of them
 * (the database, the parsers, the server), and `prex staff create` loads the staff module alone.
 */

const ENGINE_NOTE =
  'The database is the one the server uses (DATABASE_URL, else the embedded one in PREX_DATA_DIR). ' +
  'Stop the server first when it uses the embedded database: one process at a time may open it.';

/** A command as its parent's help shows it; the full definition uses the same description. */
interface Listing {
  /** Name, `[options]` and arguments, as commander prints them for the full definition. */
  term: string;
  description: string;
}

export const LISTINGS = {
  ingest: {
    term: 'ingest [options] <paths...>',
    description:
      'Ingest documents (Markdown, text, HTML, PDF, DOCX, JSON/CSV FAQ lists) into a tenant’s knowledge base.\n' +
      'Directories are searched recursively; a file in a directory is stored under its path relative to that\n' +
      'directory (e.g. billing/refunds.md), a file named directly under its file name. Re-running updates\n' +
      'changed files and skips unchanged ones.\n\n' +
      'Connection: by default straight to the database configured like the server (DATABASE_URL, or the\n' +
      'embedded PGlite in PREX_DATA_DIR: stop a server using the same PGlite directory first). With --api,\n' +
      'through a running server’s admin API with the tenant’s secret key in PREX_SECRET_KEY.',
  },
  eval: { term: 'eval', description: 'measure Prex' },
  tenants: { term: 'tenants', description: 'Create and list tenants (workspaces) in the database configured like the server' },
  keys: { term: 'keys', description: 'Rotate a tenant’s secret or publishable key' },
  staff: { term: 'staff', description: 'Manage the staff accounts of a tenant' },
  backup: {
    term: 'backup <file>',
    description: `Write the whole database to FILE (embedded: gzipped data directory; Postgres server: pg_dump custom format). ${ENGINE_NOTE}`,
  },
  restore: {
    term: 'restore [options] <file>',
    description: `Restore FILE, written by prex backup, into the database; refuses one that holds data unless --force. ${ENGINE_NOTE}`,
  },
  retention: { term: 'retention', description: 'How long a tenant’s conversations are kept' },
} satisfies Record<string, Listing>;

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
