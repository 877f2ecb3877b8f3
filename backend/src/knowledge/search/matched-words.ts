import type { Db } from '../../db/db.js';
import type { QueryAnalysis } from './query-terms.js';

/** Distinct matched words kept per passage (STAFF_KNOWLEDGE_LIMITS.maxMatchedWords). */
export const MAX_MATCHED_WORDS = 50;

/**
 * Each word of a chunk (title, heading path, text) is parsed with the tenant's language, as the
 * chunk's tsvector was; it matched when one of its lexemes is a question term or starts with a
 * prefix term. Only for the few passages a test search shows: it parses every word of them.
 */
const MATCHED_WORDS_SQL = `
  select c.id, array(
    select distinct lower(w.word) from regexp_split_to_table(c.title || ' ' || coalesce(c.section, '') || ' ' || c.content, '[^[:alnum:]]+') as w(word)
    where w.word <> '' and exists (
      select 1 from unnest(tsvector_to_array(to_tsvector($3::regconfig, w.word))) as l(lexeme)
      where l.lexeme = any($4::text[]) or exists (select 1 from unnest($5::text[]) as p(prefix) where starts_with(l.lexeme, p.prefix))
    )
    limit ${MAX_MATCHED_WORDS}
  ) as words
  from chunks c where c.tenant_id = $1 and c.id = any($2::text[])`;

/**
 * The words, as written (lower case), of each chunk that matched the question's terms: what the
 * console's test search highlights. Stems would not do: "policies" is stored as "polici", which a
 * reader's text never contains. Chunks of other tenants are skipped.
 */
export async function matchedWords(db: Db, tenantId: string, chunkIds: readonly string[], analysis: QueryAnalysis): Promise<Map<string, string[]>> {
  if (chunkIds.length === 0 || analysis.terms.length === 0) return new Map();
  const rows = await db.query<{ id: string; words: string[] }>(MATCHED_WORDS_SQL, [
    tenantId,
    [...chunkIds],
    analysis.language,
    analysis.terms.filter((t) => !t.prefix).map((t) => t.lexeme),
    analysis.terms.filter((t) => t.prefix).map((t) => t.lexeme),
  ]);
  return new Map(rows.map((r) => [r.id, r.words]));
}
