import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from '../src/config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER_SECTION_END = '# --- Not read by the server';

/** The .env.example part about the server, and the variable names it mentions, set or commented. */
async function serverPart(): Promise<{ text: string; names: Set<string> }> {
  const whole = await readFile(`${ROOT}.env.example`, 'utf8');
  const end = whole.indexOf(SERVER_SECTION_END);
  const text = end >= 0 ? whole.slice(0, end) : whole;
  const names = new Set([...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  return { text, names };
}

/**
 * The variables config.ts reads: its schema's keys, and any name it reads from an env object
 * directly, found in its source (a read outside the schema would otherwise escape the check).
 */
async function variablesConfigReads(): Promise<Set<string>> {
  const source = await readFile(fileURLToPath(new URL('../src/config.ts', import.meta.url)), 'utf8');
  const direct = [...source.matchAll(/\benv(?:\.|\[['"])([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!);
  return new Set([...CONFIG_VARIABLES, ...direct]);
}

describe('.env.example', () => {
  it('lists every variable config.ts reads, and none it does not', async () => {
    const { names } = await serverPart();
    const read = await variablesConfigReads();
    expect([...read].filter((v) => !names.has(v)), 'read by config.ts, missing from .env.example').toEqual([]);
    expect([...names].filter((v) => !read.has(v)), 'in .env.example, not read by the server').toEqual([]);
  });

  it('sets each variable it sets to its real default: loading the file changes nothing', async () => {
    const { text } = await serverPart();
    const fromFile = loadConfig(parseEnv(text));
    const defaults = loadConfig({});
    // The only default that is not a constant: a random session secret per start.
    const withoutSecret = (c: ReturnType<typeof loadConfig>) => ({ ...c, session: { ...c.session, secret: '' } });
    expect(withoutSecret(fromFile)).toEqual(withoutSecret(defaults));
  });

  it('shows, for each variable without a default, an example value the server accepts', async () => {
    const { text } = await serverPart();
    const examples = [...text.matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(examples.length).toBeGreaterThan(5);
    // Variables that only work together are loaded with their partner's example.
    const storage = ['PREX_SUPABASE_URL', 'PREX_SUPABASE_SERVICE_ROLE_KEY', 'PREX_ATTACHMENTS_BUCKET'];
    const partners: Record<string, string[]> = {
      PREX_SUPABASE_URL: ['PREX_SUPABASE_ANON_KEY'],
      PREX_SUPABASE_ANON_KEY: ['PREX_SUPABASE_URL'],
      PREX_SUPABASE_SERVICE_ROLE_KEY: storage,
      PREX_ATTACHMENTS_BUCKET: storage,
    };
    const example = new Map(examples);
    for (const [name, value] of examples) {
      // A CA file must exist to be accepted; its example path is only a placeholder.
      if (name === 'PREX_DATABASE_CA_FILE') continue;
      const env: Record<string, string> = { [name]: value };
      for (const partner of partners[name] ?? []) env[partner] ??= example.get(partner) ?? '';
      expect(() => loadConfig(env), `${name}=${value}`).not.toThrow();
    }
  });
});

describe("README's configuration table", () => {
  it('names every variable the server reads', async () => {
    const readme = await readFile(`${ROOT}README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const tableRows = section.split('\n').filter((line) => line.startsWith('| `'));
    const inTable = new Set(tableRows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!)));
    expect([...(await variablesConfigReads())].filter((v) => !inTable.has(v))).toEqual([]);
  });
});
