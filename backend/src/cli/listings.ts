/**
 * How `prex --help` lists each top-level command: its term and description. The command modules
 * use the same description for their full definitions, and commands.ts lists the ones it does not
 * load, so help reads the same either way. Kept apart so those modules and the lazy loader both
 * import it without importing each other.
 */

const ENGINE_NOTE =
  'The database is the one the server uses (DATABASE_URL, else the embedded one in PREX_DATA_DIR). ' +
  'Stop the server first when it uses the embedded database: one process at a time may open it.';

/** A command as its parent's help shows it; the full definition uses the same description. */
export interface Listing {
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
