// `prex eval answers FILE --unanswerable OTHER.json`: the answer/decline decision as a visitor meets
// it. FILE's passages become a scratch tenant's knowledge base on a real Prex server (loopback,
// embedded database, the answerer the environment configures: the extractive one without a model);
// every question of FILE and of OTHER is sent through the public chat route in a fresh session and
// the streamed answer's sources are scored.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { EvalClient } from '../quality/agent-eval-client.js';
import type { TurnOutcome } from '../quality/turn-outcome.js';
import { startServer } from '../server.js';
import { createTenant } from '../tenants/repository.js';
import { readEvalFile, type EvalFile } from './eval-file.js';
import { ingestEvalPassages } from './eval.js';
import { learnFromTrain } from './eval-learn.js';

/** Questions with no relevant passage (e.g. ../shared/eval/offdomain): `passage_id` may be null. */
const questionsFileSchema = z.object({ examples: z.array(z.object({ question: z.string().min(1) })) });

export type QuestionsFile = z.infer<typeof questionsFileSchema>;

export interface AnswersMetrics {
  answerable: number;
  unanswerable: number;
  /** Share of FILE's questions answered with at least one source. */
  answered: number;
  /** Share of FILE's questions whose relevant passage is among the answer's sources. */
  citedGold: number;
  /** Share of OTHER's questions answered with at least one source. */
  falseAnswers: number;
}

/** The required last line: `answered=…% cited_gold=…% false_answers=…%`. */
export function formatAnswersMetrics(m: AnswersMetrics): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return `answered=${pct(m.answered)} cited_gold=${pct(m.citedGold)} false_answers=${pct(m.falseAnswers)}`;
}

/** Every `step`-th item (a deterministic subset for slow machines); step 1 = all. */
export function everyNth<T>(items: readonly T[], step: number): T[] {
  return items.filter((_, i) => i % step === 0);
}

export interface AnswersEvalOptions {
  /** Sessions asked at the same time. */
  concurrency?: number;
  /** Ask only every n-th question of each file. */
  every?: number;
  print?: (line: string) => void;
  /** Environment the server is configured from (default: this process's, made local and quiet). */
  env?: NodeJS.ProcessEnv;
  /** Questions to learn (rated-up answers citing their passage) before asking everything a second time. */
  learn?: Pick<EvalFile, 'examples'>;
}

export interface AnswersEvalResult extends AnswersMetrics {
  /** With `learn`: the same questions asked again after learning. */
  learned?: AnswersMetrics & { learnedQuestions: number };
}

/** The server's configuration: the caller's model settings, but a scratch database, loopback, no limits that a run would hit. */
function evalConfig(env: NodeJS.ProcessEnv) {
  const { DATABASE_URL: _ignored, ...rest } = env;
  return loadConfig({
    ...rest,
    PORT: '0',
    HOST: '127.0.0.1',
    PREX_DATA_DIR: ':memory:',
    PREX_SEED_DEMO: 'false',
    LOG_LEVEL: 'silent',
    PREX_EXTRACTIVE_DELAY_MS: '0',
    PREX_RATE_LIMIT_PER_MINUTE: '1000000',
  });
}

async function askAll(client: EvalClient, questions: readonly string[], concurrency: number): Promise<TurnOutcome[]> {
  const outcomes: TurnOutcome[] = new Array(questions.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < questions.length; i = next++) {
      outcomes[i] = await client.sendTurn(await client.createSession(), questions[i]!, undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, questions.length)) }, worker));
  return outcomes;
}

const answeredWithSources = (o: TurnOutcome) => !o.error && o.sources.length > 0;

/** Asks FILE's questions and OTHER's, each in a fresh session, and scores the answers. */
async function askAndScoreAll(
  client: EvalClient,
  answerable: EvalFile['examples'],
  others: QuestionsFile['examples'],
  passageOfDocument: ReadonlyMap<string, string>,
  concurrency: number,
  print: (line: string) => void,
): Promise<AnswersMetrics> {
  const started = performance.now();
  const asked = await askAll(client, answerable.map((e) => e.question), concurrency);
  const declinedSide = await askAll(client, others.map((e) => e.question), concurrency);
  const failed = [...asked, ...declinedSide].filter((o) => o.error).length;
  print(`asked ${asked.length} + ${declinedSide.length} questions in ${((performance.now() - started) / 1000).toFixed(1)} s${failed ? `; ${failed} turns failed` : ''}`);
  const citedGold = asked.filter((o, i) => o.sources.some((s) => passageOfDocument.get(s.documentId) === String(answerable[i]!.passage_id))).length;
  return {
    answerable: asked.length,
    unanswerable: declinedSide.length,
    answered: asked.filter(answeredWithSources).length / Math.max(1, asked.length),
    citedGold: citedGold / Math.max(1, asked.length),
    falseAnswers: declinedSide.filter(answeredWithSources).length / Math.max(1, declinedSide.length),
  };
}

/** Starts a scratch server, ingests FILE's passages, asks both sets of questions, scores the answers. */
export async function runAnswersEval(file: EvalFile, unanswerable: QuestionsFile, opts: AnswersEvalOptions = {}): Promise<AnswersEvalResult> {
  const print = opts.print ?? (() => undefined);
  const step = opts.every ?? 1;
  const config = evalConfig(opts.env ?? process.env);
  const server = await startServer({ config, log: createLogger('silent') });
  try {
    const { tenant } = await createTenant(server.db, { name: 'eval scratch', allowedOrigins: [] });
    const { passageOfDocument, chunks, seconds } = await ingestEvalPassages(server.db, server.retrieval, tenant.id, file);
    print(`ingested ${file.passages.length} passages as ${chunks} chunks in ${seconds.toFixed(1)} s; answerer: ${config.llm ? 'model' : 'extractive'}`);
    const client = new EvalClient({ baseUrl: server.url, publishableKey: tenant.publishableKey, turnTimeoutMs: 120_000 });
    const answerable = everyNth(file.examples, step);
    const others = everyNth(unanswerable.examples, step);
    const askAndScore = () => askAndScoreAll(client, answerable, others, passageOfDocument, opts.concurrency ?? 2, print);
    const result: AnswersEvalResult = await askAndScore();
    if (!opts.learn) return result;
    const documentOfPassage = new Map([...passageOfDocument].map(([documentId, passage]) => [passage, documentId]));
    const taught = await learnFromTrain(server.db, server.retrieval, tenant.id, opts.learn, documentOfPassage);
    print(`learned ${taught.learned} questions as rated-up answers in ${taught.seconds.toFixed(1)} s`);
    return { ...result, learned: { ...(await askAndScore()), learnedQuestions: taught.learned } };
  } finally {
    await server.close();
  }
}

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

/** Adds `answers` under `prex eval`. */
export function registerEvalAnswersCommand(evalCommand: Command): void {
  evalCommand
    .command('answers')
    .description('answer/decline quality through the chat route: answered, cited_gold and false_answers')
    .argument('<file>', 'JSON file with passages[] and examples[] (FeedbackQA format): the knowledge base and answerable questions')
    .requiredOption('--unanswerable <file>', 'JSON file with examples[] that the knowledge base does not answer')
    .option('--every <n>', 'ask only every n-th question of each file (a subset on slow machines)', positiveInt('--every'), 1)
    .option('--concurrency <n>', 'sessions asked at the same time', positiveInt('--concurrency'), 2)
    .option('--learn <train>', 'FeedbackQA-format file whose questions are learned (as rated-up answers citing their passage) before asking again; the last line is with learning')
    .action(async (path: string, options: { unanswerable: string; every: number; concurrency: number; learn?: string }) => {
      const file = await readEvalFile(path);
      const others = questionsFileSchema.parse(JSON.parse(await readFile(options.unanswerable, 'utf8')));
      const train = options.learn ? await readEvalFile(options.learn) : undefined;
      const result = await runAnswersEval(file, others, { every: options.every, concurrency: options.concurrency, print: (line) => console.log(line), ...(train ? { learn: train } : {}) });
      console.log(`${result.answerable} answerable questions, ${result.unanswerable} unanswerable`);
      if (!result.learned) return console.log(formatAnswersMetrics(result));
      console.log(`without learning: ${formatAnswersMetrics(result)}`);
      console.log(`with learning (${result.learned.learnedQuestions} questions learned):`);
      console.log(formatAnswersMetrics(result.learned));
    });
}
