import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { Db } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { openPglite } from '../db/pglite.js';
import { upsertDocuments } from '../knowledge/ingest.js';
import { LEXICAL_RETRIEVAL, searchPassages, DEFAULT_TUNING, MAX_SEARCH_LIMIT, type LexicalTuning, type Retrieval } from '../knowledge/search/index.js';
import { createLogger } from '../logger.js';
import { createTenant } from '../tenants/repository.js';
import { LISTINGS } from './listings.js';
import { registerEvalAgentCommand } from './eval-agent.js';
import { readEvalFile, type EvalFile } from './eval-file.js';
import { learnFromTrain } from './eval-learn.js';

/**
 * `prex eval retrieval FILE.json`: knowledge-base search quality on a file in the FeedbackQA
 * format (passages + questions that each point to one relevant passage). The passages go into a
 * scratch tenant of a scratch database through the normal ingestion path, every question through
 * the normal search path, and the relevant passage's rank is scored.
 */

/** Where the relevant item ranked (1 = first), or undefined when it was not retrieved. */
export type Rank = number | undefined;

export interface Metrics {
  questions: number;
  recallAt5: number;
  mrrAt10: number;
  ndcgAt10: number;
}

/** Metrics for one relevant item per question: recall@5, MRR@10 and nDCG@10 (binary relevance). */
export function retrievalMetrics(ranks: readonly Rank[]): Metrics {
  const n = ranks.length;
  if (n === 0) return { questions: 0, recallAt5: 0, mrrAt10: 0, ndcgAt10: 0 };
  let recall = 0;
  let mrr = 0;
  let ndcg = 0;
  for (const rank of ranks) {
    if (rank === undefined || rank < 1) continue;
    if (rank <= 5) recall += 1;
    if (rank <= 10) {
      mrr += 1 / rank;
      // One relevant item: the ideal DCG is 1 (relevant at rank 1).
      ndcg += 1 / Math.log2(rank + 1);
    }
  }
  return { questions: n, recallAt5: recall / n, mrrAt10: mrr / n, ndcgAt10: ndcg / n };
}

/** The required last line: `recall@5=0.000 mrr@10=0.000 ndcg@10=0.000`. */
export function formatMetrics(m: Metrics): string {
  return `recall@5=${m.recallAt5.toFixed(3)} mrr@10=${m.mrrAt10.toFixed(3)} ndcg@10=${m.ndcgAt10.toFixed(3)}`;
}

/** A passage as a Markdown document: its section headers as headings, so chunks keep the heading path. */
export function passageMarkdown(p: EvalFile['passages'][number]): string {
  const headers = (p.reference.section_headers ?? []).map((h) => h.trim()).filter(Boolean);
  const headings = headers.map((h, i) => `${'#'.repeat(Math.min(i + 2, 6))} ${h.replace(/\s+/g, ' ')}`);
  return [...headings, p.reference.section_content.trim()].join('\n\n');
}

export interface EvalOptions {
  /** Passages retrieved per question (≥ 10 for MRR@10/nDCG@10). */
  limit?: number;
  /** Chunk budget in tokens passed to ingestion (default: ingestion's own). */
  chunkTokens?: number;
  /** Lexical ranking parameters (tuning). */
  tuning?: LexicalTuning;
  /** Progress and summary lines; the last line is formatMetrics(). */
  print?: (line: string) => void;
  /** An open, migrated database to use (tests); default a scratch PGlite in a temp dir. */
  db?: Db;
  /** Search paraphrases of the question's words too (default true, as in the product). */
  paraphrases?: boolean;
  /** Questions to learn (rated-up answers citing their passage) before scoring a second time. */
  learn?: Pick<EvalFile, 'examples'>;
  /** Learned-field weights to score with after learning (tuning); default the shipped one. */
  learnedWeights?: readonly number[];
}

export interface IngestedPassages {
  /** The eval file's passage id of each ingested document (document id → passage id). */
  passageOfDocument: Map<string, string>;
  chunks: number;
  seconds: number;
}

const EVAL_BATCH = 100;

/** The file's passages as documents of `tenantId`, through the normal ingestion path (embedded when `retrieval` has the vector channel). */
export async function ingestEvalPassages(db: Db, retrieval: Retrieval, tenantId: string, file: Pick<EvalFile, 'passages'>, opts: { chunkTokens?: number } = {}): Promise<IngestedPassages> {
  const passageOfDocument = new Map<string, string>();
  let chunks = 0;
  const started = performance.now();
  // EVAL_BATCH passages per transaction: the bulk path (see ingest.ts upsertDocuments).
  for (let first = 0; first < file.passages.length; first += EVAL_BATCH) {
    const batch = file.passages.slice(first, first + EVAL_BATCH);
    const results = await upsertDocuments(
      db,
      tenantId,
      batch.map((p) => ({
        externalId: `passage-${p.passage_id}`,
        title: p.reference.page_title?.trim() || `Passage ${p.passage_id}`,
        url: p.uri ?? undefined,
        content: passageMarkdown(p),
      })),
      { ...(opts.chunkTokens ? { maxTokens: opts.chunkTokens } : {}), indexChunks: retrieval.indexChunks },
    );
    for (const [i, result] of results.entries()) {
      passageOfDocument.set(result.documentId, String(batch[i]!.passage_id));
      chunks += result.chunks;
    }
  }
  return { passageOfDocument, chunks, seconds: (performance.now() - started) / 1000 };
}

export interface EvalResult extends Metrics {
  passages: number;
  chunks: number;
  ingestSeconds: number;
  searchSeconds: number;
  /** With `learn`: the figures after learning, one per learned-field weight. */
  learned?: Array<Metrics & { weight: number; learnedQuestions: number }>;
}

/** Every question through the normal search path; the relevant passage's rank scored. */
async function scoreQuestions(db: Db, tenantId: string, file: Pick<EvalFile, 'examples'>, passageOfDocument: ReadonlyMap<string, string>, search: Parameters<typeof searchPassages>[3]): Promise<Metrics> {
  const ranks: Rank[] = [];
  for (const example of file.examples) {
    const passages = await searchPassages(db, tenantId, example.question, search);
    // Several chunks of one passage count once, at the best one's place.
    const ranked = [...new Set(passages.map((p) => passageOfDocument.get(p.documentId)))];
    const at = ranked.indexOf(String(example.passage_id));
    ranks.push(at >= 0 ? at + 1 : undefined);
  }
  return retrievalMetrics(ranks);
}

/** Ingests the file's passages into a scratch tenant, asks every question, scores the ranks. */
export async function runRetrievalEval(file: EvalFile, opts: EvalOptions = {}): Promise<EvalResult> {
  const print = opts.print ?? (() => undefined);
  const limit = Math.min(opts.limit ?? MAX_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
  const scratchDir = opts.db ? undefined : await mkdtemp(path.join(tmpdir(), 'prex-eval-'));
  const db = opts.db ?? (await openPglite(scratchDir));
  try {
    if (!opts.db) await migrate(db, createLogger('silent'));
    const { tenant } = await createTenant(db, { name: 'eval scratch', allowedOrigins: [] });
    const { passageOfDocument, chunks, seconds: ingestSeconds } = await ingestEvalPassages(db, LEXICAL_RETRIEVAL, tenant.id, file, opts);
    print(`ingested ${file.passages.length} passages as ${chunks} chunks in ${ingestSeconds.toFixed(1)} s`);

    const tuning = opts.tuning ?? DEFAULT_TUNING;
    const search = { limit, paraphrases: opts.paraphrases !== false, tuning };
    const searchStart = performance.now();
    const metrics = await scoreQuestions(db, tenant.id, file, passageOfDocument, search);
    const searchSeconds = (performance.now() - searchStart) / 1000;
    print(`asked ${file.examples.length} questions in ${searchSeconds.toFixed(1)} s (${((searchSeconds * 1000) / Math.max(1, file.examples.length)).toFixed(1)} ms each)`);
    const result: EvalResult = { ...metrics, passages: file.passages.length, chunks, ingestSeconds, searchSeconds };
    if (!opts.learn) return result;

    const documentOfPassage = new Map([...passageOfDocument].map(([documentId, passage]) => [passage, documentId]));
    const taught = await learnFromTrain(db, LEXICAL_RETRIEVAL, tenant.id, opts.learn, documentOfPassage);
    print(`learned ${taught.learned} questions as rated-up answers in ${taught.seconds.toFixed(1)} s${taught.skipped ? ` (${taught.skipped} skipped: their passage is not in the file)` : ''}`);
    result.learned = [];
    for (const weight of opts.learnedWeights ?? [tuning.learnedWeight]) {
      const learnedMetrics = await scoreQuestions(db, tenant.id, file, passageOfDocument, { ...search, tuning: { ...tuning, learnedWeight: weight } });
      result.learned.push({ ...learnedMetrics, weight, learnedQuestions: taught.learned });
    }
    return result;
  } finally {
    if (!opts.db) await db.close().catch(() => undefined);
    if (scratchDir) await rm(scratchDir, { recursive: true, force: true });
  }
}

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

const weightList = (value: string): number[] => {
  const weights = value.split(',').map((w) => Number(w.trim()));
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new Error('--learned-weight must be non-negative numbers separated by commas');
  return weights;
};

/** Adds `prex eval` with its `retrieval` and `agent` commands; returns it for further eval commands. */
export function registerEvalCommands(program: Command): Command {
  const evalCommand = program.command('eval').description(LISTINGS.eval.description);
  evalCommand
    .command('retrieval')
    .description('knowledge-base search quality on a FeedbackQA-format file: recall@5, MRR@10, nDCG@10')
    .argument('<file>', 'JSON file with passages[] and examples[]')
    .option('--limit <n>', `passages retrieved per question (max ${MAX_SEARCH_LIMIT})`, positiveInt('--limit'), MAX_SEARCH_LIMIT)
    .option('--chunk-tokens <n>', 'chunk budget in tokens (default: ingestion default)', positiveInt('--chunk-tokens'))
    .option('--no-paraphrases', 'search only the question’s own words (no paraphrases)')
    .option('--learn <train>', 'FeedbackQA-format file whose questions are learned first (as rated-up answers citing their passage); prints the figures without, then with learning (last line)')
    .option('--learned-weight <w,…>', 'learned-field weight(s) to score with after learning (tuning; default the shipped one)', weightList)
    .action(async (file: string, options: { limit: number; chunkTokens?: number; paraphrases: boolean; learn?: string; learnedWeight?: number[] }) => {
      const data = await readEvalFile(file);
      const train = options.learn ? await readEvalFile(options.learn) : undefined;
      const result = await runRetrievalEval(data, {
        limit: options.limit,
        paraphrases: options.paraphrases,
        ...(options.chunkTokens ? { chunkTokens: options.chunkTokens } : {}),
        ...(train ? { learn: train } : {}),
        ...(options.learnedWeight ? { learnedWeights: options.learnedWeight } : {}),
        print: (line) => console.log(line),
      });
      console.log(`${result.questions} questions, ${result.passages} passages, ${result.chunks} chunks`);
      if (!result.learned) return console.log(formatMetrics(result));
      console.log(`without learning: ${formatMetrics(result)}`);
      const learned = result.learned;
      learned.forEach((m, i) => {
        if (learned.length > 1) console.log(`learned weight ${m.weight}: ${formatMetrics(m)}`);
        if (i === learned.length - 1) console.log(`with learning (${m.learnedQuestions} questions learned, weight ${m.weight}):`), console.log(formatMetrics(m));
      });
    });
  registerEvalAgentCommand(evalCommand);
  return evalCommand;
}
