import type { Db } from '../../db/db.js';
import type { Passage } from '../passage.js';
import { answerConfidence, type AnswerSignals } from './decision.js';
import { idf, tsqueryLiteral, type QueryAnalysis, type QueryTerm } from './query-terms.js';
import { SqlParams } from './sql-params.js';

/**
 * The passages a search returns: each chunk's text, snippet and the signals its calibrated score is
 * computed from (decision.ts). As CTEs that end the search statement itself (lexical.ts), or on its
 * own for ids another channel helped rank (hybrid search).
 */

/** Plain-text snippet: empty selection markers, up to two fragments around the matches. */
const HEADLINE_OPTIONS = 'StartSel="", StopSel="", MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "';

/** Where the passages come from, as SQL expressions. */
export interface HydrateSources {
  tenantId: string;
  /** A select of (id, ord): the chunk ids in the order to return them. */
  picked: string;
  /** A text[] expression: the question's lexemes (plain terms only). */
  lexemes: string;
  /** A regconfig expression. */
  language: string;
}

/** The CTEs `hq(ranking, terms, lang, tenant)` and `picked(id, ord)` that HYDRATE_SELECT reads. */
export function hydrateCtes(p: SqlParams, sources: HydrateSources): string {
  return `
  hq as (
    select (select string_agg(${tsqueryLiteral('t.lexeme')}, ' | ') from unnest(l.terms) as t(lexeme))::tsquery as ranking,
           l.terms, ${sources.language} as lang, ${p.add(sources.tenantId, 'text')} as tenant
    from (select ${sources.lexemes} as terms) l
  ), picked as (${sources.picked})`;
}

/** The passages' columns (HydrateRow), in picked order, plus `extra` columns. */
export const HYDRATE_SELECT = (extra = '') => `
  select c.id, c.document_id, d.external_id, c.title, c.section, c.content, d.url,
         array(select unnest(tsvector_to_array(c.tsv)) intersect select unnest(hq.terms)) as matched,
         coalesce((select m from (select array(select unnest(tsvector_to_array(l.tsv)) intersect select unnest(hq.terms)) as m
                                    from learned_questions l where l.tenant_id = hq.tenant and l.chunk_id = c.id) lm
                    order by cardinality(m) desc limit 1), '{}') as learned_matched,
         array(select u.lexeme from unnest(c.tsv) u where u.lexeme = any(hq.terms) and u.weights && '{A,B}'::text[]) as heading_matched,
         ts_headline(hq.lang, c.content, hq.ranking, '${HEADLINE_OPTIONS}') as snippet${extra ? `, ${extra}` : ''}
  from picked
  cross join hq
  join chunks c on c.id = picked.id and c.tenant_id = hq.tenant
  join documents d on d.id = c.document_id and d.tenant_id = hq.tenant
  order by picked.ord`;

/**
 * The passages for chunk ids, in the given order, with the calibrated score and a snippet around
 * the question's terms. Ids of other tenants or deleted chunks are skipped.
 */
export async function hydratePassages(db: Db, tenantId: string, chunkIds: readonly string[], analysis: QueryAnalysis): Promise<Passage[]> {
  if (chunkIds.length === 0) return [];
  const p = new SqlParams();
  const ctes = hydrateCtes(p, {
    tenantId,
    picked: `select * from unnest(${p.add([...chunkIds], 'text[]')}) with ordinality as p(id, ord)`,
    lexemes: p.add(analysis.terms.filter((t) => !t.prefix).map((t) => t.lexeme), 'text[]'),
    language: p.add(analysis.language, 'regconfig'),
  });
  return passagesFromRows(await db.query<HydrateRow>(`with ${ctes} ${HYDRATE_SELECT()}`, p.values), analysis);
}

/** Rows of HYDRATE_SELECT as passages, scored by the decision (decision.ts). */
export function passagesFromRows(rows: readonly HydrateRow[], analysis: QueryAnalysis): Passage[] {
  return rows.map((r) => {
    // A word found in a question this passage answered well counts as found in the passage.
    const signals = passageSignals(analysis, new Set([...r.matched, ...r.learned_matched]), new Set(r.heading_matched));
    return {
      chunkId: r.id,
      documentId: r.document_id,
      externalId: r.external_id,
      title: r.title,
      url: r.url ?? undefined,
      section: r.section ?? undefined,
      content: r.content,
      snippet: plainSnippet(r.snippet ?? r.content.slice(0, 240)),
      score: answerConfidence(signals),
    };
  });
}

/**
 * The share of the question's topic a chunk contains, each concept weighing `weigh(concept)`: the
 * question's own lexemes (framing filler left out) and the words of an earlier turn a follow-up
 * leans on (at their lower weight). A lexeme found itself counts fully, one found only through a
 * paraphrase standing for it counts that paraphrase's weight.
 */
export function topicShare(terms: readonly QueryTerm[], matched: ReadonlySet<string>, weigh: (t: QueryTerm) => number): number {
  const concepts = terms.filter((t) => !t.prefix && !t.filler && (t.weight >= 1 || (t.of.length === 1 && t.of[0] === t.lexeme)));
  let total = 0;
  let sum = 0;
  for (const concept of concepts) {
    const w = weigh(concept);
    total += w;
    if (matched.has(concept.lexeme)) sum += w;
    else {
      // A paraphrase counts its weight relative to the word it stands for (an earlier turn's word is itself below 1).
      const via = terms.filter((t) => t !== concept && t.of.includes(concept.lexeme) && matched.has(t.lexeme)).map((t) => Math.min(1, t.weight / concept.weight));
      sum += w * Math.max(0, ...via);
    }
  }
  return total > 0 ? sum / total : 0;
}

/**
 * What the answer/decline decision weighs (decision.ts) for one chunk, from its lexemes that match
 * the question anywhere and those in its title or heading path (weights A and B). A word the
 * knowledge base never uses weighs idf(0): the most.
 */
export function passageSignals(analysis: Pick<QueryAnalysis, 'terms' | 'chunks'>, matched: ReadonlySet<string>, inHeadings: ReadonlySet<string> = new Set()): AnswerSignals {
  const weigh = (t: QueryTerm) => t.weight * idf(t.df, analysis.chunks);
  return { idfCoverage: topicShare(analysis.terms, matched, weigh), headingCoverage: topicShare(analysis.terms, inHeadings, weigh) };
}

export interface HydrateRow {
  id: string;
  document_id: string;
  external_id: string;
  title: string;
  section: string | null;
  content: string;
  url: string | null;
  matched: string[];
  /** The question's lexemes in the chunk's learned question that holds most of them. */
  learned_matched: string[];
  heading_matched: string[];
  snippet: string | null;
}

/** ts_headline works on the Markdown source; drop emphasis markers and line breaks for display. */
function plainSnippet(headline: string): string {
  return headline.replace(/\*\*|__|`/g, '').replace(/\s+/g, ' ').trim();
}
