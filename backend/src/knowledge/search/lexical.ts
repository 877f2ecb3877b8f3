import type { Db } from '../db/db.js';
import type { Passage } from './passage.js';

/**
 * Full-text search over one tenant's chunks.
 *
 * Matching: first chunks that contain every term of the question (websearch_to_tsquery, which also
 * honours "quoted phrases" and -exclusions), then, to fill up to `limit`, chunks containing any term.
 *
 * Score: a relevance in [0, 1), comparable across searches and both phases:
 *   score = rank / (rank + 1) × coverage
 * - rank: ts_rank_cd of the chunk against an OR of the question's terms over the weighted vector
 *   (each occurrence counts: title A = 1.0, heading path B = 0.4, content C = 0.2);
 * - coverage: the share of the question's search terms (its English lexemes, stop words dropped)
 *   that occur anywhere in the chunk.
 * So a chunk that has one word of a four-word question once in its body scores about 0.04, while one
 * with every term, some in its title or heading, scores 0.5 and more. Lexical search cannot tell a
 * rare word from a common one, so the floor below is a heuristic, not a guarantee.
 */

/**
 * Below this score a passage is too weak to ground an answer. Tuned on the demo knowledge base:
 * on-topic questions score ≥ 0.09 at their best passage; off-topic ones that share one incidental
 * word ("who won the football match" ~ "won't upload") stay under 0.08.
 */
export const RELEVANCE_FLOOR = 0.08;

export const DEFAULT_SEARCH_LIMIT = 5;
const MAX_SEARCH_LIMIT = 20;
/** Longer input is cut: a question longer than this is not made more precise by its tail. */
const MAX_QUERY_CHARS = 1000;

export interface SearchOptions {
  limit?: number;
}

/** The passages worth answering from: score at or above the floor. */
export function aboveRelevanceFloor(passages: readonly Passage[], floor = RELEVANCE_FLOOR): Passage[] {
  return passages.filter((p) => p.score >= floor);
}

/**
 * Best passages for a natural-language question, best first. First an AND match of the question
 * (websearch_to_tsquery); when that finds fewer than `limit`, the rest is filled from an OR of the
 * question's terms, because "how do I get a refund?" rarely has every word in one chunk.
 * Empty or term-less input returns [].
 */
export async function searchPassages(db: Db, tenantId: string, query: string, opts: SearchOptions = {}): Promise<Passage[]> {
  const wanted = Number.isFinite(opts.limit) ? Math.floor(opts.limit!) : DEFAULT_SEARCH_LIMIT;
  const limit = Math.min(Math.max(1, wanted), MAX_SEARCH_LIMIT);
  const question = query.slice(0, MAX_QUERY_CHARS);
  const terms = await searchTerms(db, question);
  if (terms.length === 0) return [];
  const strict = await runSearch(db, STRICT_SQL, [tenantId, terms, limit, [], question]);
  if (strict.length >= limit) return strict;
  const loose = await runSearch(db, LOOSE_SQL, [tenantId, terms, limit - strict.length, strict.map((p) => p.chunkId)]);
  return [...strict, ...loose].sort((a, b) => b.score - a.score);
}

/** The question's distinct English lexemes, computed by Postgres so they match the stored vectors. */
async function searchTerms(db: Db, question: string): Promise<string[]> {
  const rows = await db.query<{ terms: string[] }>(`select tsvector_to_array(to_tsvector('english', $1)) as terms`, [question]);
  return rows[0]?.terms ?? [];
}

/**
 * An OR tsquery built from the lexeme array $2: each lexeme is quoted as a tsquery literal
 * (backslash and quote escaped) and cast, never parsed as SQL and never run through to_tsquery's
 * operator syntax, so no input can change the query's shape.
 */
const OR_OF_TERMS = String.raw`(select string_agg('''' || replace(replace(t, '\', '\\'), '''', '''''') || '''', ' | ') from unnest($2::text[]) as t)::tsquery`;

/** Plain-text snippet: empty selection markers, up to two fragments around the matches. */
const HEADLINE_OPTIONS = 'StartSel="", StopSel="", MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "';

/**
 * $1 tenant id, $2 the question's lexemes, $3 limit, $4 chunk ids to leave out, and for the strict
 * search $5 the question itself.
 * ts_headline is costly, so it runs only on the rows that made the cut.
 */
function searchSql(tsquery: string): string {
  return `
    with q as (select ${tsquery} as query, ${OR_OF_TERMS} as ranking, $2::text[] as terms)
    select top.id, top.document_id, top.title, top.section, top.content, d.url, top.score,
           ts_headline('english', top.content, q.ranking, '${HEADLINE_OPTIONS}') as snippet
    from (
      select c.id, c.document_id, c.ordinal, c.title, c.section, c.content,
             ts_rank_cd(c.tsv, q.ranking, 32)
               * cardinality(array(select unnest(tsvector_to_array(c.tsv)) intersect select unnest(q.terms)))
               / greatest(cardinality(q.terms), 1)::float8 as score
      from chunks c, q
      where c.tenant_id = $1 and c.tsv @@ q.query and c.id <> all($4::text[])
      order by score desc, c.document_id, c.ordinal
      limit $3
    ) top
    join documents d on d.id = top.document_id and d.tenant_id = $1
    cross join q
    order by top.score desc, top.document_id, top.ordinal`;
}

const STRICT_SQL = searchSql(`websearch_to_tsquery('english', $5::text)`);
const LOOSE_SQL = searchSql(OR_OF_TERMS);

interface SearchRow {
  id: string;
  document_id: string;
  title: string;
  section: string | null;
  content: string;
  url: string | null;
  score: number;
  snippet: string;
}

async function runSearch(db: Db, sql: string, params: unknown[]): Promise<Passage[]> {
  const rows = await db.query<SearchRow>(sql, params);
  // A score of 0 means no term of the question is in the chunk (a websearch "-word" exclusion
  // alone matches everything else): nothing to answer from.
  return rows.filter((r) => Number(r.score) > 0).map((r) => ({
    chunkId: r.id,
    documentId: r.document_id,
    title: r.title,
    url: r.url ?? undefined,
    section: r.section ?? undefined,
    content: r.content,
    snippet: plainSnippet(r.snippet),
    score: Number(r.score),
  }));
}

/** ts_headline works on the Markdown source; drop emphasis markers and line breaks for display. */
function plainSnippet(headline: string): string {
  return headline.replace(/\*\*|__|`/g, '').replace(/\s+/g, ' ').trim();
}
