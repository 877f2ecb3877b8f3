import { STOPWORDS } from './question-words.js';
import type { SqlParams } from './sql-params.js';

/**
 * A question as the lexical channel searches it: its terms (the tenant's language's lexemes of its
 * own words, and of the words searched on its behalf), each term's statistics in the tenant's
 * knowledge base, and which terms pick the candidate chunks. Computed inside the search statement
 * itself (termsCtes), so a question costs one round trip, not an analysis first.
 */

/** Longer input is cut: a question longer than this is not made more precise by its tail. */
export const MAX_QUERY_CHARS = 1000;

/**
 * Target number of candidate chunks taken from the index before scoring. 500 keeps PGlite's p95 at
 * 100,000 chunks under 20 ms (1,000: 22.7 ms); eval nDCG@10 unchanged on the test splits.
 */
export const CANDIDATE_BUDGET = 500;

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

/** What answering needs of the analysed question once the search has run. */
export interface QueryAnalysis {
  /** Text-search configuration of the tenant (regconfig name). */
  language: string;
  terms: QueryTerm[];
  /** The tenant's chunk count. */
  chunks: number;
  /** The framing words' lexemes, when the statement had to parse them (see filler-lexemes.ts). */
  fillerLexemes?: string[] | null;
}

/**
 * BM25's inverse document frequency. The logarithm's argument is (n + 1) / (df + 0.5), never 0 or
 * below: a prefix term whose words' frequencies add up past the chunk count gets a small negative idf, not an error.
 */
export function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** The same in SQL, for the statement's own use. */
const sqlIdf = (df: string, n: string) => `ln(1 + (${n} - ${df} + 0.5) / (${df} + 0.5))`;

/** The framing words as one text, parsed with the tenant's language to flag the question's filler lexemes. */
const FILLER_TEXT = [...STOPWORDS].join(' ');

/** How the question's terms are searched: the tenant, the question and the learned field's switch. */
export interface TermsInput {
  tenantId: string;
  parsed: ParsedQuery;
  extras: readonly ExtraWords[];
  /** The learned-questions field counts (its weight above 0); it still needs learned questions to exist. */
  learned: boolean;
  budget?: number;
  /** The framing words' lexemes already known per configuration, as jsonb text (filler-lexemes.ts); default none. */
  knownFiller?: string;
}

/**
 * The CTEs that analyse the question inside the search statement. They define:
 * - `cfg(lang)`: the tenant's text-search configuration;
 * - `totals(chunks, avg_len, questions, lavg_len, use_learned)`: the tenant's chunk and learned-question
 *   counts, average vector lengths, and whether the learned field is searched;
 * - `terms(prefix, lexeme, weight, of, filler, df, ldf)`: one row per term. The question's own word
 *   wins over the same lexeme searched on its behalf; among extras, the highest weight, standing for
 *   every word it was found for. An extra marked unknown-only is dropped when a word it stands for
 *   is in the knowledge base;
 * - `rank_terms(…, idf, lidf, probe, lprobe, q)`: the terms that score, with their idf (× weight) in
 *   the chunks and in the learned questions, whether they pick candidates (probe, lprobe) and the
 *   term as a tsquery;
 * - `probes(q, lq)`: the candidate-picking tsqueries of the chunks and of the learned questions.
 * Candidates: the rarest terms, in order of document frequency, OR-ed until their chunks add up to
 * the budget; when even the rarest term is in more chunks than the budget (a question of common
 * words only), chunks must contain both of the two rarest terms.
 */
export function termsCtes(p: SqlParams, input: TermsInput): string {
  const t = p.add(input.tenantId, 'text');
  const budget = p.add(input.budget ?? CANDIDATE_BUDGET, 'float8');
  const { extras } = input;
  return `
  cfg as (
    select coalesce(
      (select c.oid::regconfig from tenants t join pg_ts_config c on c.cfgname = t.agent ->> 'language' where t.id = ${t}),
      'english'::regconfig) as lang
  ), fill_known as materialized (
    select ${p.add(input.knownFiller ?? '{}', 'jsonb')} -> (cfg.lang::text) as lexemes from cfg
  ), fill as materialized (
    -- Known for this configuration (filler-lexemes.ts), or parsed once per statement (inlined, it
    -- was parsed again for every term). \`parsed\`: the analysis returns them to be remembered.
    select case when k.lexemes is null then tsvector_to_array(to_tsvector(cfg.lang, ${p.add(FILLER_TEXT, 'text')}))
                else array(select jsonb_array_elements_text(k.lexemes)) end as lexemes,
           k.lexemes is null as parsed
    from cfg, fill_known k
  ), words as (
    select distinct w.lexeme, false as prefix, 1::float8 as weight, null::text[] as of, false as unknown_only
    from cfg, unnest(tsvector_to_array(to_tsvector(cfg.lang, ${p.add(input.parsed.text, 'text')}))) as w(lexeme)
    union
    select distinct w.lexeme, true, 1::float8, null::text[], false
    from cfg, unnest(tsvector_to_array(to_tsvector(cfg.lang, ${p.add(input.parsed.prefixes.join(' '), 'text')}))) as w(lexeme)
    union
    select w.lexeme, false, e.weight, case when e.source is null then null else tsvector_to_array(to_tsvector(cfg.lang, e.source)) end, e.unknown_only
    from cfg, unnest(${p.add(
      extras.map((e) => e.text.slice(0, MAX_QUERY_CHARS)),
      'text[]',
    )}, ${p.add(
      extras.map((e) => e.of ?? null),
      'text[]',
    )}, ${p.add(
      extras.map((e) => Math.min(1, Math.max(0, e.weight))),
      'float8[]',
    )}, ${p.add(
      extras.map((e) => e.onlyForUnknownWords ?? false),
      'bool[]',
    )}) as e(words, source, weight, unknown_only),
         unnest(tsvector_to_array(to_tsvector(cfg.lang, e.words))) as w(lexeme)
  ), counted as (
    select w.*,
      (case when w.prefix
        then (select coalesce(sum(s.df), 0) from search_terms s where s.tenant_id = ${t} and s.lexeme <> '' and starts_with(s.lexeme, w.lexeme))
        else coalesce((select s.df from search_terms s where s.tenant_id = ${t} and s.lexeme = w.lexeme), 0)
      end)::float8 as df,
      (case when w.prefix
        then (select coalesce(sum(l.df), 0) from learned_terms l where l.tenant_id = ${t} and l.lexeme <> '' and starts_with(l.lexeme, w.lexeme))
        else coalesce((select l.df from learned_terms l where l.tenant_id = ${t} and l.lexeme = w.lexeme), 0)
      end)::float8 as ldf
    from words w
  ), totals as (
    select coalesce(s.df, 0)::float8 as chunks,
           case when coalesce(s.df, 0) > 0 then greatest(1, s.total_len::float8 / s.df) else 1 end as avg_len,
           coalesce(l.df, 0)::float8 as questions,
           case when coalesce(l.df, 0) > 0 then greatest(1, l.total_len::float8 / l.df) else 1 end as lavg_len,
           ${p.add(input.learned, 'bool')} and coalesce(l.df, 0) > 0 as use_learned
    from (select 1) one
    left join search_terms s on s.tenant_id = ${t} and s.lexeme = ''
    left join learned_terms l on l.tenant_id = ${t} and l.lexeme = ''
  ), kept as (
    select c.* from counted c
    where not (c.unknown_only and exists (
      select 1 from counted k where k.of is null and not k.prefix and k.df > 0 and k.lexeme = any(c.of)))
  ), kept_of as (
    select k.prefix, k.lexeme, array_agg(distinct o.lexeme order by o.lexeme) as of
    from kept k, unnest(coalesce(k.of, array[k.lexeme])) as o(lexeme)
    group by k.prefix, k.lexeme
  ), terms as (
    select k.prefix, k.lexeme, max(k.weight) as weight,
           case when max(k.weight) >= 1 then array[k.lexeme] else coalesce(o.of, '{}') end as of,
           (select k.lexeme = any(fill.lexemes) from fill) as filler, max(k.df) as df, max(k.ldf) as ldf
    from kept k
    left join kept_of o on o.prefix = k.prefix and o.lexeme = k.lexeme
    group by k.prefix, k.lexeme, o.of
  ), probe_order as (
    select prefix, lexeme, row_number() over w as n, sum(df) over w as running, count(*) over () as present, min(df) over () as rarest
    from terms where df > 0
    window w as (order by df, prefix, lexeme rows unbounded preceding)
  ), lprobe_order as (
    select prefix, lexeme, row_number() over w as n, sum(ldf) over w as running, count(*) over () as present, min(ldf) over () as rarest
    from terms, totals where ldf > 0 and totals.use_learned
    window w as (order by ldf, prefix, lexeme rows unbounded preceding)
  ), rank_terms as (
    select t.lexeme, t.prefix,
      ${sqlIdf('t.df', 'tot.chunks')} * t.weight as idf,
      case when tot.use_learned and t.ldf > 0 then ${sqlIdf('t.ldf', 'tot.questions')} * t.weight else 0 end as lidf,
      coalesce(case when po.present >= 2 and po.rarest > ${budget} then po.n <= 2 else po.n = 1 or po.running <= ${budget} end, false) as probe,
      coalesce(case when lo.present >= 2 and lo.rarest > ${budget} then lo.n <= 2 else lo.n = 1 or lo.running <= ${budget} end, false) as lprobe,
      (${tsqueryLiteral('t.lexeme')} || case when t.prefix then ':*' else '' end)::tsquery as q
    from terms t cross join totals tot
    left join probe_order po on po.prefix = t.prefix and po.lexeme = t.lexeme
    left join lprobe_order lo on lo.prefix = t.prefix and lo.lexeme = t.lexeme
    where t.df > 0 or (tot.use_learned and t.ldf > 0)
  ), probes as (
    select
      (select string_agg(q::text, case when po.present >= 2 and po.rarest > ${budget} then ' & ' else ' | ' end)::tsquery
         from rank_terms r join probe_order po on po.prefix = r.prefix and po.lexeme = r.lexeme where r.probe) as q,
      (select string_agg(q::text, case when lo.present >= 2 and lo.rarest > ${budget} then ' & ' else ' | ' end)::tsquery
         from rank_terms r join lprobe_order lo on lo.prefix = r.prefix and lo.lexeme = r.lexeme where r.lprobe) as lq
  ), learned_mass as (
    -- The question's own information as the learned questions weigh it: Σ idf over its topic words.
    select greatest(1e-9, coalesce(sum(${sqlIdf('t.ldf', 'tot.questions')}), 0)) as mass
    from terms t cross join totals tot where not t.prefix and not t.filler and t.weight >= 1
  )`;
}

/** A select of the analysis as one JSON value (QueryAnalysis), for the statement's result. */
export const ANALYSIS_JSON = `(select json_build_object(
    'language', (select lang::text from cfg),
    'chunks', (select chunks from totals),
    'fillerLexemes', (select case when parsed then to_json(lexemes) end from fill),
    'terms', coalesce((select json_agg(json_build_object('lexeme', lexeme, 'prefix', prefix, 'df', df, 'ldf', ldf, 'weight', weight, 'of', of, 'filler', filler) order by prefix, lexeme) from terms), '[]'::json)))`;

/** A SQL expression quoting a lexeme as a tsquery literal (backslash and quote escaped): input never shapes the query. */
export const tsqueryLiteral = (lexeme: string) => String.raw`'''' || replace(replace(${lexeme}, '\', '\\'), '''', '''''') || ''''`;
