import type { Db } from '../../db/db.js';

/**
 * The framing words' lexemes (question-words.ts STOPWORDS, parsed with a text-search
 * configuration), remembered per database and configuration once a search statement returned them.
 *
 * Why: parsing the ~330 framing words was most of the search statement's execution on a small
 * knowledge base (EXPLAIN ANALYZE on PGlite: 7.7 of 8.9 ms), paid by every question, while the
 * result depends only on the configuration's stemmer. The statement still parses them itself for a
 * configuration not known here yet, and then returns them once (QueryAnalysis.fillerLexemes).
 * Kept per Db, not per process: two databases may run different Postgres versions (stemmers).
 */
const known = new WeakMap<Db, Map<string, readonly string[]>>();
/** The same as the statement's parameter, serialized once per change rather than on every question. */
const knownJson = new WeakMap<Db, string>();

/** The configurations' lexemes known for `db`, as the statement's jsonb parameter ({ english: [...] }). */
export function knownFillerJson(db: Db): string {
  return knownJson.get(db) ?? '{}';
}

/** Keeps what a statement parsed (nothing when it used the known lexemes). */
export function rememberFiller(db: Db, analysis: { language: string; fillerLexemes?: readonly string[] | null } | undefined): void {
  if (!analysis?.fillerLexemes) return;
  let byLanguage = known.get(db);
  if (!byLanguage) known.set(db, (byLanguage = new Map()));
  byLanguage.set(analysis.language, analysis.fillerLexemes);
  knownJson.set(db, JSON.stringify(Object.fromEntries(byLanguage)));
}
