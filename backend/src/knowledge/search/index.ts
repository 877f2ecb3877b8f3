import type { Db } from '../../db/db.js';
import type { Logger } from '../../logger.js';
import type { Embedder } from '../../model/embeddings.js';
import type { Passage } from '../passage.js';
import { CANDIDATES_PER_CHANNEL, reciprocalRankFusion } from './hybrid.js';
import { CONTEXT_WEIGHT } from './follow-up.js';
import { paraphrasesOf } from './paraphrases.js';
import { hydratePassages } from './hydrate.js';
import { DEFAULT_TUNING, lexicalPassages, lexicalRank, type LexicalQuery, type LexicalTuning } from './lexical.js';
import { parseQuery, type ExtraWords, type QueryAnalysis } from './query-terms.js';
import { matchedWords } from './matched-words.js';
import { indexChunkEmbeddings, openVectorChannel, vectorRank, type VectorChannel } from './vector.js';

/**
 * Knowledge-base search: the lexical channel (Postgres full-text, BM25-ranked; always on) and,
 * where configured, the vector channel (embeddings + pgvector), fused by reciprocal rank.
 * See docs/retrieval.md.
 */

export { followUpContext, isFollowUp } from './follow-up.js';
export { DEFAULT_TUNING, LEARNED_WEIGHT, type DocumentFilter, type LexicalTuning } from './lexical.js';
export { parseQuery } from './query-terms.js';
export { ANSWER_THRESHOLD, answerConfidence, answeringPassages, DECISION_MODEL, type AnswerSignals } from './decision.js';
export { embedMissingChunks, indexChunkEmbeddings, type VectorChannel } from './vector.js';
export { createOpenAIEmbedder, type Embedder } from '../../model/embeddings.js';
export { reciprocalRankFusion, CANDIDATES_PER_CHANNEL, RRF_K } from './hybrid.js';
export { retrievalEnabled, setRetrievalEnabled, setSearchLanguage } from './settings.js';

export const DEFAULT_SEARCH_LIMIT = 5;
export const MAX_SEARCH_LIMIT = 20;

export interface SearchOptions {
  limit?: number;
  /** Lexical ranking parameters (evaluation and tuning only). */
  tuning?: LexicalTuning;
  /** 'lexical' skips the vector channel even where it is on (evaluation). */
  channels?: 'auto' | 'lexical';
  /** Only documents carrying at least one of these tags (an agent's knowledge filter); empty = all. */
  tags?: readonly string[] | undefined;
  /** Also search other words for the question's words (paraphrases.ts); default true. */
  paraphrases?: boolean;
  /** Words of the conversation a follow-up leans on (follow-up.ts), searched at CONTEXT_WEIGHT. */
  context?: string | undefined;
  /** The vector channel (a Retrieval's); none: the lexical channel only. */
  vector?: VectorChannel | null | undefined;
}

/**
 * Search and the embedding step as this process configured them: bound to the vector channel when
 * it is on, lexical only when it is off. The composition root builds one and hands it to every
 * feature that searches or indexes, so no module looks the configuration up on its own.
 */
export interface Retrieval {
  /** The vector channel; null: search is lexical only. */
  readonly vector: VectorChannel | null;
  search(db: Db, tenantId: string, query: string, opts?: SearchOptions): Promise<Passage[]>;
  searchWithMatchedWords(db: Db, tenantId: string, query: string, opts?: SearchOptions): Promise<MatchedPassage[]>;
  /** After chunks are committed: embeds them (knowledge/ingest.ts's ChunkIndexer); a no-op with the vector channel off. */
  indexChunks(db: Db, tenantId: string, chunkIds: readonly string[]): Promise<void>;
}

/** Retrieval over the given vector channel (null: lexical only). */
export function retrievalOver(vector: VectorChannel | null): Retrieval {
  return {
    vector,
    search: (db, tenantId, query, opts = {}) => searchPassages(db, tenantId, query, { ...opts, vector }),
    searchWithMatchedWords: (db, tenantId, query, opts = {}) => searchWithMatchedWords(db, tenantId, query, { ...opts, vector }),
    indexChunks: (db, tenantId, chunkIds) => indexChunkEmbeddings(db, vector, tenantId, chunkIds),
  };
}

/** Search with the lexical channel only: no embeddings configured. */
export const LEXICAL_RETRIEVAL: Retrieval = retrievalOver(null);

/**
 * Once per process, at start-up: opens the vector channel on `db` when an embedder is given and the
 * database has pgvector (vector.ts), and returns the Retrieval to hand on.
 */
export async function configureRetrieval(db: Db, embedder: Embedder | null, log: Logger): Promise<Retrieval> {
  return retrievalOver(await openVectorChannel(db, embedder, log));
}

/**
 * Best passages for a natural-language question, best first. Lexical BM25 ranking over the
 * tenant's chunks, in one statement (the question's analysis, ranking and passages together); with
 * the vector channel on, the best CANDIDATES_PER_CHANNEL of each channel are fused by reciprocal
 * rank, then read. A question with phrases or exclusions ("…", -word) is answered lexically only:
 * those are exact-match requests. A question with no searchable word returns [].
 * A failing embeddings endpoint is logged and the search goes on lexically.
 */
export async function searchPassages(db: Db, tenantId: string, query: string, opts: SearchOptions = {}): Promise<Passage[]> {
  return (await search(db, tenantId, query, opts)).passages;
}

/** A passage with the words of it that matched the question (lower case, as written). */
export type MatchedPassage = Passage & { matchedWords: string[] };

/**
 * searchPassages (the same ranking and scores) with the words of each passage that matched: the
 * console's test search highlights them. Answers do not use it: it parses every word of the passages.
 */
export async function searchWithMatchedWords(db: Db, tenantId: string, query: string, opts: SearchOptions = {}): Promise<MatchedPassage[]> {
  const { passages, analysis } = await search(db, tenantId, query, opts);
  if (!analysis || passages.length === 0) return [];
  const words = await matchedWords(db, tenantId, passages.map((p) => p.chunkId), analysis);
  return passages.map((p) => ({ ...p, matchedWords: words.get(p.chunkId) ?? [] }));
}

/** The passages and the analysed question (undefined when nothing was found). */
async function search(db: Db, tenantId: string, query: string, opts: SearchOptions): Promise<{ passages: Passage[]; analysis: QueryAnalysis | undefined }> {
  const lexical = await lexicalQuery(tenantId, query, opts);
  const vector = opts.channels === 'lexical' ? null : (opts.vector ?? null);
  const hybrid = vector !== null && lexical.parsed.filter === '' && lexical.parsed.text !== '';
  if (!hybrid) return lexicalPassages(db, lexical);
  const ranked = await lexicalRank(db, { ...lexical, limit: CANDIDATES_PER_CHANNEL });
  if (ranked.analysis.terms.length === 0) return { passages: [], analysis: undefined };
  let ids = ranked.ids;
  try {
    const nearest = await vectorRank(db, vector, tenantId, lexical.parsed.text, CANDIDATES_PER_CHANNEL, lexical.filter);
    ids = reciprocalRankFusion([ids, nearest]);
  } catch (error) {
    vector.log.warn('vector search failed; lexical results only', { error: error instanceof Error ? error.message : String(error) });
  }
  return { passages: await hydratePassages(db, tenantId, ids.slice(0, lexical.limit), ranked.analysis), analysis: ranked.analysis };
}

/** The lexical search for a question: its parsed text, the words searched on its behalf, limit, tuning and filter. */
async function lexicalQuery(tenantId: string, query: string, opts: SearchOptions): Promise<LexicalQuery> {
  const wanted = Number.isFinite(opts.limit) ? Math.floor(opts.limit!) : DEFAULT_SEARCH_LIMIT;
  const limit = Math.min(Math.max(1, wanted), MAX_SEARCH_LIMIT);
  const parsed = parseQuery(query);
  const paraphrases = opts.paraphrases === false ? [] : await paraphrasesOf(parsed.text);
  const extras: ExtraWords[] = paraphrases.map((p) => ({ text: p.word, of: p.of, weight: p.weight, onlyForUnknownWords: p.onlyForUnknownWords }));
  if (opts.context) {
    extras.push({ text: opts.context, weight: CONTEXT_WEIGHT });
    // The earlier turn's everyday wording ("money back") finds the help center's word (refund) too.
    if (opts.paraphrases !== false) for (const p of await paraphrasesOf(opts.context)) extras.push({ text: p.word, of: p.of, weight: p.weight * CONTEXT_WEIGHT, onlyForUnknownWords: p.onlyForUnknownWords });
  }
  return { tenantId, parsed, extras, limit, tuning: opts.tuning ?? DEFAULT_TUNING, filter: { tags: opts.tags } };
}
