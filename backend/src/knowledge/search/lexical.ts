import type { Db } from '../../db/db.js';
import type { Passage } from '../passage.js';
import { hydrateCtes, HYDRATE_SELECT, passagesFromRows, type HydrateRow } from './hydrate.js';
import { knownFillerJson, rememberFiller } from './filler-lexemes.js';
import { ANALYSIS_JSON, termsCtes, type ExtraWords, type ParsedQuery, type QueryAnalysis } from './query-terms.js';
import { SqlParams } from './sql-params.js';

/**
 * Weight of the learned-questions field against the passage's own text (docs/retrieval.md,
 * "Learned questions"): tuned on the FeedbackQA train splits only.
 */
export const LEARNED_WEIGHT = 0.5;
export const LEARNED_SHARE_EXPONENT = 4;

/**
 * The lexical channel: Postgres full-text search over one tenant's chunks, ranked BM25-style, in
 * one statement per question (the question's analysis, the ranking and the passages' text and
 * signals together: query-terms.ts, here, hydrate.ts).
 *
 * - Language: each chunk's tsvector is built with its `language` text-search configuration
 *   (the tenant's `agent.language`, default english: stemming and stop words), and the question
 *   is parsed with the same one.
 * - Fields: the vector keeps title (weight A), heading path (B) and body (C) apart; an occurrence
 *   in the title or heading path counts `titleWeight` / `headingWeight` times one in the body.
 * - Ranking: BM25-style. Per question term, ts_rank against that term alone gives a weighted,
 *   saturating term frequency; BM25's length normalisation (k1, b) and the term's inverse document
 *   frequency from `search_terms` (a per-tenant lexeme → document-frequency table kept current by
 *   triggers, migration 004) turn it into the term's share of the score. Any question term may
 *   match (OR), rare terms weigh most; a chunk need not contain every word.
 * - Query syntax: "quoted phrases" must occur as phrases, -word excludes chunks with that word,
 *   word* matches any word starting with it. Everything else is free text.
 * - Learned questions (knowledge/learning/): questions answered well by a chunk, a separate field
 *   with its own statistics (learned_terms). A chunk adds LEARNED_WEIGHT × the BM25 score of its
 *   best-matching learned question, scaled by share^LEARNED_SHARE_EXPONENT (how much of the
 *   question's information that learned question holds); chunks whose learned questions match are
 *   candidates too. See docs/retrieval.md, "Learned questions".
 * - Candidates: the rarest terms of the question select the candidate chunks through the GIN index
 *   until about CANDIDATE_BUDGET chunks are reached; every question term still counts in the
 *   score. Keeps latency flat on big knowledge bases where a common word matches most chunks.
 *
 * Passage.score is not the BM25 rank (unbounded, not comparable across questions) but the
 * calibrated confidence that the chunk answers the question (decision.ts), from how much of the
 * question's idf-weighted information the chunk holds (hydrate.ts).
 */

export interface LexicalTuning {
  k1: number;
  b: number;
  /** How many body occurrences one occurrence in the title is worth. */
  titleWeight: number;
  /** How many body occurrences one occurrence in the heading path is worth. */
  headingWeight: number;
  /**
   * What the learned-questions field (knowledge/learning/) counts against the passage's own text:
   * its BM25 score (the best-matching learned question's) is multiplied by this and added. 0 = off.
   */
  learnedWeight: number;
  /**
   * A learned question's score is multiplied by share^this, share being how much of the question's
   * information (idf in the learned questions) it holds: a near paraphrase counts, a learned
   * question that only shares the topic's common words barely does.
   */
  learnedShareExponent?: number;
}

/** Tuned on the FeedbackQA train splits (see docs/retrieval.md). */
export const DEFAULT_TUNING: LexicalTuning = { k1: 1.5, b: 0.4, titleWeight: 2, headingWeight: 3, learnedWeight: LEARNED_WEIGHT };

/** Hard cap on candidates (a question of words present nearly everywhere). */
const CANDIDATE_CAP = 500;

/** Which documents a search may draw from (an agent's knowledge filter). */
export interface DocumentFilter {
  /** Only chunks of documents carrying at least one of these tags; undefined or empty = all documents. */
  tags?: readonly string[] | undefined;
}

/** The filter's tags as a text[] parameter; null (no filter) when there are none. */
export function tagsParam(filter: DocumentFilter): string[] | null {
  return filter.tags && filter.tags.length > 0 ? [...filter.tags] : null;
}

/** ts_rank's weights array {D, C, B, A}, scaled to ≤ 1, and the factor that undoes the scaling. */
function rankWeights(tuning: LexicalTuning): { weights: number[]; scale: number } {
  const top = Math.max(1, tuning.titleWeight, tuning.headingWeight);
  return { weights: [1 / top, 1 / top, tuning.headingWeight / top, tuning.titleWeight / top], scale: top };
}

/** One lexical search: the question, its extra words, how many chunks, how ranked, from which documents. */
export interface LexicalQuery {
  tenantId: string;
  parsed: ParsedQuery;
  extras: readonly ExtraWords[];
  limit: number;
  tuning: LexicalTuning;
  filter: DocumentFilter;
}

/**
 * The CTEs that rank the candidates into `ranked(id, rank)`, best `limit` first, after termsCtes.
 * BM25 over ts_rank: for each question term, ts_rank of the chunk against that term alone (weights
 * D, C, B, A = body, body, heading, title) is a weighted term frequency that already saturates
 * (occurrence j counts 1/j²); BM25's k1 and b then normalise it for the chunk's length, and the
 * term's idf weighs it. ts_rank runs inside Postgres per (candidate, term): no tsvector is unnested.
 */
function rankCtes(p: SqlParams, query: LexicalQuery): string {
  const t = p.add(query.tenantId, 'text');
  const k1 = p.add(query.tuning.k1, 'float8');
  const b = p.add(query.tuning.b, 'float8');
  const weights = rankWeights(query.tuning);
  const must = p.add(query.parsed.filter, 'text');
  const tags = p.add(tagsParam(query.filter), 'text[]');
  const mustMatch = `(${must} = '' or c.tsv @@ websearch_to_tsquery((select lang from cfg), ${must}))
      and (${tags} is null or c.document_id in (select d.id from documents d where d.tenant_id = ${t} and d.tags && ${tags}))`;
  const learnedWeight = p.add(query.tuning.learnedWeight, 'float8');
  return `
  lcand as (
    select l.id, l.chunk_id, l.tsv, length(l.tsv) as len from learned_questions l
    where l.tenant_id = ${t} and l.chunk_id is not null and l.tsv @@ (select lq from probes)
    limit ${CANDIDATE_CAP}
  ), lfreq as (
    select c.id, c.chunk_id, c.len, r.lidf, ts_rank('{1,1,1,1}'::float4[], c.tsv, r.q, 0) as tf
    from lcand c cross join rank_terms r
    where r.lidf > 0 and c.tsv @@ r.q
  ), lquestion as (
    select f.chunk_id, sum(f.lidf * f.tf * (${k1} + 1) / (f.tf + ${k1} * (1 - ${b} + ${b} * f.len / tot.lavg_len)))
             * power(least(1, sum(f.lidf) / min(m.mass)), ${p.add(query.tuning.learnedShareExponent ?? LEARNED_SHARE_EXPONENT, 'float8')}) as s
    from lfreq f cross join totals tot cross join learned_mass m group by f.id, f.chunk_id, tot.lavg_len
  ), lscore as (
    select chunk_id, max(s) as s from lquestion group by chunk_id
  ), probed as (
    -- The probe as a scalar subquery: a value known before the scan, so the GIN index can use it
    -- (joined to the CTE's row, it was a filter over every chunk of the tenant).
    select c.id, c.tsv from chunks c where c.tenant_id = ${t} and c.tsv @@ (select q from probes)
      and ${mustMatch}
      limit ${CANDIDATE_CAP}
  ), cand as (
    -- The probed chunks keep the vector the scan read (looking each up again by id cost up to a
    -- third of the slow questions' time); only chunks found through their learned questions alone are read here.
    select id, tsv, length(tsv) as len from probed
    union all
    select c.id, c.tsv, length(c.tsv) from chunks c
    where c.tenant_id = ${t} and c.id in (select chunk_id from lscore except select id from probed)
      and ${mustMatch}
  ), freq as (
    select c.id, c.len, r.idf, ts_rank(${p.add(weights.weights, 'float4[]')}, c.tsv, r.q, 0) * ${p.add(weights.scale, 'float8')} as tf
    from cand c cross join rank_terms r
    where c.tsv @@ r.q
  ), scores as (
    select f.id, f.idf * f.tf * (${k1} + 1) / (f.tf + ${k1} * (1 - ${b} + ${b} * f.len / tot.avg_len)) as s
    from freq f cross join totals tot
    union all
    select l.chunk_id, ${learnedWeight} * l.s from lscore l cross join totals tot
    where tot.use_learned and l.chunk_id in (select id from cand)
  ), ranked as (
    -- A chunk's BM25 terms and its learned score summed in one aggregate: joining the candidates to
    -- their scores made the planner loop over one for each row of the other (quadratic).
    select id, sum(s) as rank from scores group by id
    order by rank desc, id
    limit ${p.add(query.limit, 'int')}
  )`;
}

/**
 * The search statements are prepared: their text is the same for every question (every value is a
 * parameter), and planning the statement cost about as much as running it (bench/README.md,
 * "Prepared search statement").
 */
const PREPARED = { prepare: true } as const;

/** The statement's analysis and ranking parts, parameters included. */
function rankingStatement(db: Db, query: LexicalQuery): { p: SqlParams; ctes: string } {
  const p = new SqlParams();
  const terms = termsCtes(p, {
    tenantId: query.tenantId,
    parsed: query.parsed,
    extras: query.extras,
    learned: query.tuning.learnedWeight > 0,
    knownFiller: knownFillerJson(db),
  });
  return { p, ctes: `${terms},${rankCtes(p, query)}` };
}

/** The best passages for the question, best first, with their calibrated scores: one statement. */
export async function lexicalPassages(db: Db, query: LexicalQuery): Promise<{ passages: Passage[]; analysis: QueryAnalysis | undefined }> {
  const { p, ctes } = rankingStatement(db, query);
  const hydrate = hydrateCtes(p, {
    tenantId: query.tenantId,
    picked: 'select id, row_number() over (order by rank desc, id) as ord from ranked',
    lexemes: `(select coalesce(array_agg(lexeme), '{}') from terms where not prefix)`,
    language: '(select lang from cfg)',
  });
  const rows = await db.query<HydrateRow & { analysis: QueryAnalysis }>(`with ${ctes}, ${hydrate} ${HYDRATE_SELECT(`${ANALYSIS_JSON} as analysis`)}`, p.values, PREPARED);
  const analysis = rows[0]?.analysis;
  rememberFiller(db, analysis);
  return { passages: analysis ? passagesFromRows(rows, analysis) : [], analysis };
}

/** The best `limit` chunk ids, best first, and the analysed question (for fusing with another channel): one statement. */
export async function lexicalRank(db: Db, query: LexicalQuery): Promise<{ ids: string[]; analysis: QueryAnalysis }> {
  const { p, ctes } = rankingStatement(db, query);
  const rows = await db.query<{ ids: string[] | null; analysis: QueryAnalysis }>(
    `with ${ctes} select (select array_agg(id order by rank desc, id) from ranked) as ids, ${ANALYSIS_JSON} as analysis`,
    p.values,
    PREPARED,
  );
  rememberFiller(db, rows[0]!.analysis);
  return { ids: rows[0]!.ids ?? [], analysis: rows[0]!.analysis };
}
