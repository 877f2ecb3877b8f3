import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * conversations/ owns the `sessions` and `messages` tables: every other module reads and writes
 * them through its functions. This scans the backend's source for SQL naming either table outside
 * conversations/ and lists every offender, so a query that slips back in fails here with its place.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const OWNER = `conversations${sep}`;

/**
 * The places still allowed to touch the tables, each with why (a ratchet: shrink it, never grow
 * it). A path here that no longer touches them fails the test, so a fixed place leaves the list.
 */
const ALLOWED: Record<string, string> = {};

/** SQL that reads or writes a table: from/join/into/update (delete from is a from) followed by its name as a word. */
const TOUCHES = /\b(?:from|join|into|update)\s+(sessions|messages)\b(?!\.)/gi;

/** Comments are prose ("cut into messages Twilio accepts"), not SQL. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each file outside conversations/ with SQL on the tables, and the lines where it is. */
function offenders(): Map<string, number[]> {
  const found = new Map<string, number[]>();
  for (const file of sourceFiles(SRC)) {
    const path = relative(SRC, file);
    if (path.startsWith(OWNER)) continue;
    const code = withoutComments(readFileSync(file, 'utf8'));
    const lines = [...code.matchAll(TOUCHES)].map((match) => code.slice(0, match.index).split('\n').length);
    if (lines.length > 0) found.set(path.split(sep).join('/'), lines);
  }
  return found;
}

describe('conversations/ owns sessions and messages', () => {
  const found = offenders();

  it('no module outside conversations/ queries sessions or messages, except the listed ones', () => {
    const unlisted = [...found].filter(([path]) => !(path in ALLOWED)).map(([path, lines]) => `${path} (lines ${lines.join(', ')})`);
    expect(unlisted, 'move this SQL into a conversations/ module and call it from there').toEqual([]);
  });

  it('every listed place still touches the tables (a fixed place leaves the list)', () => {
    const stale = Object.keys(ALLOWED).filter((path) => !found.has(path));
    expect(stale, 'remove these from ALLOWED').toEqual([]);
  });

  it('recognises SQL on the tables and ignores prose about them', () => {
    const sql = withoutComments("db.query('delete from sessions where tenant_id = $1');\n// cut into messages Twilio accepts\nconst q = `select * from messages m join sessions s on s.id = m.session_id`;");
    expect([...sql.matchAll(TOUCHES)].map((m) => m[1])).toEqual(['sessions', 'messages', 'sessions']);
    expect([...withoutComments('/** into messages.tool_calls */ update messages_archive set x = 1').matchAll(TOUCHES)]).toEqual([]);
  });
});
