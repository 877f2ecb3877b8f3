import type { Db } from '../../db/db.js';
import type { Passage } from '../passage.js';
import { answerConfidence, type AnswerSignals } from './decision.js';
import { STOPWORDS } from './question-words.js';

/**
 * Weight of the learned-questions field against the passage's own text (docs/retrieval.md,
 * "Learned questions"): tuned on the FeedbackQA train splits only.
 */
export const LEARNED_WEIGHT = 0.5;
export const LEARNED_SHARE_EXPONENT = 4;

/**
 * The lexical channel: Postgres full-text search over one tenant's chunks, ranked BM25-style.
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
 * calibrated confidence that the chunk answers the question (decision.ts), from what passageSignals
 * computes here: how much of the question's idf-weighted information the chunk holds.
 */

/** Longer input is cut: a question longer than this is not made more precise by its tail. */
export const MAX_QUERY_CHARS = 1000;

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

/**
 * Target number of candidate chunks taken from the index before scoring. 500 keeps PGlite's p95 at
 * 100,000 chunks under 20 ms (1,000: 22.7 ms); eval nDCG@10 unchanged on the test splits.
 */
export const CANDIDATE_BUDGET = 500;

/** Hard cap on candidates (a question of words present nearly everywhere). */
const CANDIDATE_CAP = 500;

export interface ParsedQuery {
  /** Free text to rank with (phrases' words included, exclusions and operators removed). */
  text: string;
  /** websearch_to_tsquery input that candidates must match: phrases and exclusions; '' = none. */
  filter: string;
  /** Words typed with a trailing `*`. */
  prefixes: string[];
}

/** Splits a question into ranking text, must-match filter and prefix words. */
export function parseQuery(raw: string): ParsedQuery {
  let rest = raw.slice(0, MAX_QUERY_CHARS);
  const filters: string[] = [];
  rest = rest.replace(/"([^"]*)"/g, (_m, phrase: string) => {
    const words = phrase.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (words) filters.push(`"${words}"`);
    return ` ${words} `;
  });
  rest = rest.replace(/(^|\s)-([\p{L}\p{N}][\p{L}\p{N}'’]*)/gu, (_m, lead: string, word: string) => {
    filters.push(`-${word.replace(/['’]/g, '')}`);
    return lead;
  });
  const prefixes: string[] = [];
  rest = rest.replace(/([\p{L}\p{N}]{2,})\*/gu, (_m, word: string) => {
    prefixes.push(word.toLowerCase());
    return ' ';
  });
  return { text: rest.replace(/\s+/g, ' ').trim(), filter: filters.join(' '), prefixes };
}

/** One term of the question with its statistics in the tenant's knowledge base. */
export interface QueryTerm {
  lexeme: string;
  prefix: boolean;
  df: number;
  /** How many of the tenant's learned questions contain it. */
  ldf: number;
  /** 1 for the question's own words; less for words searched on its behalf (paraphrases, earlier turns). */
  weight: number;
  /** The question's own lexemes this term stands for (itself for the question's own words). */
  of: string[];
  /** One of the question's framing words ("want", "need"): says nothing about its topic. */
  filler: boolean;
}

/** Words searched on the question's behalf, below its own words. */
export interface ExtraWords {
  /** The words, as text (parsed with the tenant's language like the question). */
  text: string;
  /** The question's word or phrase they stand for; absent = they stand for themselves. */
  of?: string;
  /** Below 1: a question's own word always counts more. */
  weight: number;
  /** Searched only when the knowledge base has none of the words they stand for. */
  onlyForUnknownWords?: boolean;
}

export interface QueryAnalysis {
  /** Text-search configuration of the tenant (regconfig name). */
  language: string;
  terms: QueryTerm[];
  /** The tenant's chunk count and average vector length. */
  chunks: number;
  avgLength: number;
  /** The tenant's learned questions: how many, and their average vector length. */
  learned: { questions: number; avgLength: number };
  parsed: ParsedQuery;
}

interface TermRow {
  lexeme: string;
  filler: boolean;
  prefix: boolean;
  weight: number | string;
  of: string[] | null;
  unknown_only: boolean;
  language: string;
  df: number | string;
  total_len: number | string;
  ldf: number | string;
  ltotal_len: number | string;
}

const ANALYZE_SQL = `
  with cfg as (
    select coalesce(
      (select c.oid::regconfig from tenants t join pg_ts_config c on c.cfgname = t.agent ->> 'language' where t.id = $1),
      'english'::regconfig) as lang
  ), words as (
    select distinct w.lexeme, false as prefix, 1::float8 as weight, null::text[] as of, false as unknown_only
    from cfg, unnest(tsvector_to_array(to_tsvector(cfg.lang, $2))) as w(lexeme)
    union
    select distinct w.lexeme, true, 1::float8, null::text[], false from cfg, unnest(tsvector_to_array(to_tsvector(cfg.lang, $3))) as w(lexeme)
    union
    select w.lexeme, false, e.weight, case when e.source is null then null else tsvector_to_array(to_tsvector(cfg.lang, e.source)) end, e.unknown_only
    from cfg, unnest($4::text[], $5::text[], $6::float8[], $7::bool[]) as e(words, source, weight, unknown_only),
         unnest(tsvector_to_array(to_tsvector(cfg.lang, e.words))) as w(lexeme)
  )
  select w.lexeme, w.prefix, w.weight, w.of, w.unknown_only, (select lang::text from cfg) as language,
         w.lexeme = any(tsvector_to_array(to_tsvector((select lang from cfg), $8))) as filler,
         case when w.prefix
           then (select coalesce(sum(s.df), 0) from search_terms s where s.tenant_id = $1 and s.lexeme <> '' and starts_with(s.lexeme, w.lexeme))
           else coalesce((select s.df from search_terms s where s.tenant_id = $1 and s.lexeme = w.lexeme), 0)
         end as df,
         0 as total_len,
         case when w.prefix
           then (select coalesce(sum(l.df), 0) from learned_terms l where l.tenant_id = $1 and l.lexeme <> '' and starts_with(l.lexeme, w.lexeme))
           else coalesce((select l.df from learned_terms l where l.tenant_id = $1 and l.lexeme = w.lexeme), 0)
         end as ldf,
         0 as ltotal_len
  from words w
  union all
  select '', false, 1, null, false, (select lang::text from cfg), false, coalesce(s.df, 0), coalesce(s.total_len, 0), coalesce(l.df, 0), coalesce(l.total_len, 0)
  from (select 1) one left join search_terms s on s.tenant_id = $1 and s.lexeme = ''
  left join learned_terms l on l.tenant_id = $1 and l.lexeme = ''`;

/**
 * One term per lexeme: the question's own word wins over the same lexeme searched on its behalf;
 * among extras, the highest weight, standing for every word it was found for.
 */
function mergeTerms(rows: readonly TermRow[]): QueryTerm[] {
  const terms = new Map<string, QueryTerm>();
  for (const r of rows) {
    const key = `${r.prefix ? '*' : ''}${r.lexeme}`;
    const term: QueryTerm = { lexeme: r.lexeme, prefix: r.prefix, df: Number(r.df), ldf: Number(r.ldf), weight: Number(r.weight), of: r.of ?? [r.lexeme], filler: r.filler };
    const seen = terms.get(key);
    if (!seen) terms.set(key, term);
    else if (term.weight > seen.weight) terms.set(key, { ...term, of: term.weight >= 1 ? term.of : [...new Set([...term.of, ...seen.of])] });
    else if (seen.weight < 1) seen.of = [...new Set([...seen.of, ...term.of])];
  }
  return [...terms.values()];
}

/** True when one of the question's own lexemes that `row` stands for is in the knowledge base. */
function standsForKnownWord(row: TermRow, rows: readonly TermRow[]): boolean {
  const known = new Set(rows.filter((r) => r.of === null && !r.prefix && Number(r.df) > 0).map((r) => r.lexeme));
  return (row.of ?? []).some((lexeme) => known.has(lexeme));
}

/** The framing words as one text, parsed with the tenant's language to flag the question's filler lexemes. */
const FILLER_TEXT = [...STOPWORDS].join(' ');

/** The question's lexemes (as the tenant's language parses them) with document frequencies, plus any extra words. */
export async function analyzeQuery(db: Db, tenantId: string, query: string, extras: readonly ExtraWords[] = []): Promise<QueryAnalysis> {
  const parsed = parseQuery(query);
  const rows = await db.query<TermRow>(ANALYZE_SQL, [
    tenantId,
    parsed.text,
    parsed.prefixes.join(' '),
    extras.map((e) => e.text.slice(0, MAX_QUERY_CHARS)),
    extras.map((e) => e.of ?? null),
    extras.map((e) => Math.min(1, Math.max(0, e.weight))),
    extras.map((e) => e.onlyForUnknownWords ?? false),
    FILLER_TEXT,
  ]);
  const totals = rows.find((r) => r.lexeme === '');
  const chunks = Number(totals?.df ?? 0);
  const learnedQuestions = Number(totals?.ldf ?? 0);
  return {
    language: totals?.language ?? 'english',
    terms: mergeTerms(rows.filter((r) => r.lexeme !== '' && !(r.unknown_only && standsForKnownWord(r, rows)))),
    chunks,
    avgLength: chunks > 0 ? Math.max(1, Number(totals?.total_len ?? 0) / chunks) : 1,
    learned: { questions: learnedQuestions, avgLength: learnedQuestions > 0 ? Math.max(1, Number(totals?.ltotal_len ?? 0) / learnedQuestions) : 1 },
    parsed,
  };
}

/** The question's own information as the learned questions weigh it: Σ idf over its topic words (ones never learned weigh most). */
function learnedMass(analysis: QueryAnalysis): number {
  return analysis.terms.filter((t) => !t.prefix && !t.filler && t.weight >= 1).reduce((sum, t) => sum + idf(t.ldf, analysis.learned.questions), 0);
}

/** BM25's inverse document frequency (always positive). */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/**
 * The terms that pick candidate chunks, and how: the rarest terms, in order of document frequency,
 * OR-ed until their chunks add up to the budget. When even the rarest term is in more chunks than
 * the budget (a question of common words only), chunks must contain both of the two rarest terms.
 */
export function probeTerms<T extends Pick<QueryTerm, 'df'>>(terms: readonly T[], budget = CANDIDATE_BUDGET): T[] {
  return candidateProbe(terms, budget).terms;
}

export function candidateProbe<T extends Pick<QueryTerm, 'df'>>(terms: readonly T[], budget = CANDIDATE_BUDGET): { terms: T[]; join: ' | ' | ' & ' } {
  const present = [...terms].filter((t) => t.df > 0).sort((a, b) => a.df - b.df);
  if (present.length >= 2 && present[0]!.df > budget) return { terms: present.slice(0, 2), join: ' & ' };
  const out: T[] = [];
  let total = 0;
  for (const term of present) {
    if (out.length > 0 && total + term.df > budget) break;
    out.push(term);
    total += term.df;
  }
  return { terms: out, join: ' | ' };
}

/** Quotes a lexeme as a tsquery literal (backslash and quote escaped): input never shapes the query. */
const TSQUERY_LITERAL = String.raw`'''' || replace(replace(t.lexeme, '\', '\\'), '''', '''''') || ''''`;

/**
 * BM25 over ts_rank: for each question term, ts_rank of the chunk against that term alone (weights
 * D, C, B, A = body, body, heading, title) is a weighted term frequency that already saturates
 * (occurrence j counts 1/j²); BM25's k1 and b then normalise it for the chunk's length, and the
 * term's idf weighs it. ts_rank runs inside Postgres per (candidate, term): no tsvector is unnested.
 */
const RANK_SQL = `
  with terms as (
    select t.lexeme, t.idf, t.lidf, t.probe, t.lprobe, (${TSQUERY_LITERAL} || case when t.prefix then ':*' else '' end)::tsquery as q
    from unnest($2::text[], $3::float8[], $4::bool[], $5::bool[], $16::float8[], $17::bool[]) as t(lexeme, idf, prefix, probe, lidf, lprobe)
  ), probe as (
    select string_agg(t.q::text, $14::text)::tsquery as q from terms t where t.probe
  ), lprobe as (
    select string_agg(t.q::text, $18::text)::tsquery as q from terms t where t.lprobe
  ), lcand as (
    select l.id, l.chunk_id, l.tsv, length(l.tsv) as len from learned_questions l, lprobe
    where l.tenant_id = $1 and l.chunk_id is not null and l.tsv @@ lprobe.q
    limit ${CANDIDATE_CAP}
  ), lfreq as (
    select c.id, c.chunk_id, c.len, t.lidf, ts_rank('{1,1,1,1}'::float4[], c.tsv, t.q, 0) as tf
    from lcand c cross join terms t
    where t.lidf > 0 and c.tsv @@ t.q
  ), lquestion as (
    select chunk_id, sum(lidf * tf * ($8::float8 + 1) / (tf + $8::float8 * (1 - $9::float8 + $9::float8 * len / $19::float8)))
             * power(least(1, sum(lidf) / $21::float8), $22::float8) as s
    from lfreq group by id, chunk_id
  ), lscore as (
    select chunk_id, max(s) as s from lquestion group by chunk_id
  ), ids as (
    select * from (select c.id from chunks c, probe where c.tenant_id = $1 and c.tsv @@ probe.q
      and ($6::text = '' or c.tsv @@ websearch_to_tsquery($7::regconfig, $6::text))
      and ($15::text[] is null or c.document_id in (select d.id from documents d where d.tenant_id = $1 and d.tags && $15::text[]))
      limit ${CANDIDATE_CAP}) b
    union
    select chunk_id from lscore
  ), cand as (
    select c.id, c.tsv, length(c.tsv) as len from ids join chunks c on c.tenant_id = $1 and c.id = ids.id
    where ($6::text = '' or c.tsv @@ websearch_to_tsquery($7::regconfig, $6::text))
      and ($15::text[] is null or c.document_id in (select d.id from documents d where d.tenant_id = $1 and d.tags && $15::text[]))
  ), freq as (
    select c.id, c.len, t.idf, ts_rank($10::float4[], c.tsv, t.q, 0) * $11::float8 as tf
    from cand c cross join terms t
    where c.tsv @@ t.q
  ), body as (
    select id, sum(idf * tf * ($8::float8 + 1) / (tf + $8::float8 * (1 - $9::float8 + $9::float8 * len / $12::float8))) as s
    from freq group by id
  )
  select c.id, coalesce(b.s, 0) + $20::float8 * coalesce(l.s, 0) as rank
  from cand c left join body b on b.id = c.id left join lscore l on l.chunk_id = c.id
  order by rank desc, c.id
  limit $13`;

/** ts_rank's weights array {D, C, B, A}, scaled to ≤ 1, and the factor that undoes the scaling. */
function rankWeights(tuning: LexicalTuning): { weights: number[]; scale: number } {
  const top = Math.max(1, tuning.titleWeight, tuning.headingWeight);
  return { weights: [1 / top, 1 / top, tuning.headingWeight / top, tuning.titleWeight / top], scale: top };
}

/** Which documents a search may draw from (an agent's knowledge filter). */
export interface DocumentFilter {
  /** Only chunks of documents carrying at least one of these tags; undefined or empty = all documents. */
  tags?: readonly string[] | undefined;
}

/** The filter's tags as a text[] parameter; null (no filter) when there are none. */
export function tagsParam(filter: DocumentFilter): string[] | null {
  return filter.tags && filter.tags.length > 0 ? [...filter.tags] : null;
}

export interface RankedChunk {
  chunkId: string;
  rank: number;
}

/** The best `limit` chunks for the question by BM25, best first (ids and ranks only). */
export async function lexicalRank(
  db: Db,
  tenantId: string,
  analysis: QueryAnalysis,
  limit: number,
  tuning: LexicalTuning = DEFAULT_TUNING,
  filter: DocumentFilter = {},
): Promise<RankedChunk[]> {
  const candidates = candidateProbe(analysis.terms);
  const probe = new Set(candidates.terms);
  const useLearned = tuning.learnedWeight > 0 && analysis.learned.questions > 0;
  const learnedCandidates = useLearned ? candidateProbe(analysis.terms.map((t) => ({ term: t, df: t.ldf }))) : { terms: [], join: ' | ' as const };
  const learnedProbe = new Set(learnedCandidates.terms.map((t) => t.term));
  if (probe.size === 0 && learnedProbe.size === 0) return [];
  const terms = analysis.terms.filter((t) => t.df > 0 || (useLearned && t.ldf > 0));
  const weights = rankWeights(tuning);
  const rows = await db.query<{ id: string; rank: number }>(RANK_SQL, [
    tenantId,
    terms.map((t) => t.lexeme),
    terms.map((t) => idf(t.df, analysis.chunks) * t.weight),
    terms.map((t) => t.prefix),
    terms.map((t) => probe.has(t)),
    analysis.parsed.filter,
    analysis.language,
    tuning.k1,
    tuning.b,
    weights.weights,
    weights.scale,
    analysis.avgLength,
    limit,
    candidates.join,
    tagsParam(filter),
    terms.map((t) => (useLearned && t.ldf > 0 ? idf(t.ldf, analysis.learned.questions) * t.weight : 0)),
    terms.map((t) => learnedProbe.has(t)),
    learnedCandidates.join,
    analysis.learned.avgLength,
    useLearned ? tuning.learnedWeight : 0,
    Math.max(1e-9, learnedMass(analysis)),
    tuning.learnedShareExponent ?? LEARNED_SHARE_EXPONENT,
  ]);
  return rows.map((r) => ({ chunkId: r.id, rank: Number(r.rank) }));
}

/** Plain-text snippet: empty selection markers, up to two fragments around the matches. */
const HEADLINE_OPTIONS = 'StartSel="", StopSel="", MaxWords=35, MinWords=15, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "';

/** An OR tsquery of the lexeme array $3 (plain terms only). */
const OR_OF_TERMS = `(select string_agg(${TSQUERY_LITERAL}, ' | ') from unnest($3::text[]) as t(lexeme))::tsquery`;

const HYDRATE_SQL = `
  with q as (select ${OR_OF_TERMS} as ranking, $3::text[] as terms),
  picked as (select * from unnest($2::text[]) with ordinality as p(id, ord))
  select c.id, c.document_id, d.external_id, c.title, c.section, c.content, d.url,
         array(select unnest(tsvector_to_array(c.tsv)) intersect select unnest(q.terms)) as matched,
         coalesce((select m from (select array(select unnest(tsvector_to_array(l.tsv)) intersect select unnest(q.terms)) as m
                                    from learned_questions l where l.tenant_id = $1 and l.chunk_id = c.id) lm
                    order by cardinality(m) desc limit 1), '{}') as learned_matched,
         array(select u.lexeme from unnest(c.tsv) u where u.lexeme = any(q.terms) and u.weights && '{A,B}'::text[]) as heading_matched,
         ts_headline($4::regconfig, c.content, q.ranking, '${HEADLINE_OPTIONS}') as snippet
  from picked
  join chunks c on c.id = picked.id and c.tenant_id = $1
  join documents d on d.id = c.document_id and d.tenant_id = $1
  cross join q
  order by picked.ord`;

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

interface HydrateRow {
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

/** A passage with the signals its score was computed from (for calibrating the decision). */
type SignalledPassage = Passage & { signals: AnswerSignals };

/**
 * The passages for chunk ids, in the given order, with the calibrated score and a snippet around
 * the question's terms. Ids of other tenants or deleted chunks are skipped.
 */
export async function hydratePassages(db: Db, tenantId: string, chunkIds: readonly string[], analysis: QueryAnalysis): Promise<Passage[]> {
  return (await hydrateWithSignals(db, tenantId, chunkIds, analysis)).map(({ signals: _signals, ...passage }) => passage);
}

async function hydrateWithSignals(db: Db, tenantId: string, chunkIds: readonly string[], analysis: QueryAnalysis): Promise<SignalledPassage[]> {
  if (chunkIds.length === 0) return [];
  const lexemes = analysis.terms.filter((t) => !t.prefix).map((t) => t.lexeme);
  const rows = await db.query<HydrateRow>(HYDRATE_SQL, [tenantId, [...chunkIds], lexemes, analysis.language]);
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
      signals,
    };
  });
}

/** ts_headline works on the Markdown source; drop emphasis markers and line breaks for display. */
function plainSnippet(headline: string): string {
  return headline.replace(/\*\*|__|`/g, '').replace(/\s+/g, ' ').trim();
}
