/**
 * Prex under many visitors at once: V visitors, each with its own session, send turns back to back
 * through POST /v1/chat for a fixed time; prints turns per second, the time to the first
 * text-delta (p50/p95/p99) and every failure by its cause. Extractive and instant-model answers,
 * on PGlite and on a Postgres server. Prints; asserts nothing.
 *
 *   pnpm --filter @prex/bench bench:load [--visitors 50,200] [--seconds 20] [--engines pglite,postgres]
 *        [--paths extractive,model] [--think 0] [--baseline backend/dist/baseline/dist] [--env NAME=value,…] [--cpu-profile dir]
 */
import { loadavg, cpus } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createSession, runTurn, type Target } from './client.js';
import { startLoopbackLlm, startPrex, type Stoppable } from './prex.js';
import { DEMO_QUESTIONS } from './questions.js';
import { percentile, round } from './stats.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const ENGINES = ['pglite', 'postgres'] as const;
const PATHS = ['extractive', 'model'] as const;
type Engine = (typeof ENGINES)[number];
type AnswerPath = (typeof PATHS)[number];

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    visitors: { type: 'string', default: '50,200' },
    seconds: { type: 'string', default: '20' },
    engines: { type: 'string', default: ENGINES.join(',') },
    paths: { type: 'string', default: PATHS.join(',') },
    baseline: { type: 'string' },
    env: { type: 'string', default: '' },
    'cpu-profile': { type: 'string' },
    think: { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: pnpm --filter @prex/bench bench:load [--visitors 50,200] [--seconds 20] [--engines pglite,postgres] [--paths extractive,model] [--think 0] [--baseline backend/dist/baseline/dist] [--env NAME=value,…] [--cpu-profile dir]');
  process.exit(0);
}

function listOf<T extends string>(name: string, raw: string, known: readonly T[]): T[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!known.includes(item as T)) {
      console.error(`--${name}: unknown "${item}" (known: ${known.join(', ')})`);
      process.exit(2);
    }
  }
  return items as T[];
}
function positiveInts(name: string, raw: string): number[] {
  const items = raw.split(',').map(Number);
  if (!items.length || items.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`--${name} must be positive integers separated by commas (got ${raw})`);
    process.exit(2);
  }
  return items;
}
/** Extra Prex configuration for every instance measured, e.g. --env PREX_DB_POOL_SIZE=20. */
function envPairs(raw: string): Record<string, string> {
  const pairs = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) {
        console.error(`--env wants NAME=value pairs separated by commas (got ${pair})`);
        process.exit(2);
      }
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

const VISITORS = positiveInts('visitors', values.visitors);
const SECONDS = positiveInts('seconds', values.seconds)[0]!;
/**
 * Mean pause of a visitor between an answer's end and their next question, in seconds (drawn from
 * an exponential distribution, so visitors do not march in step). 0: back to back, the most load
 * V visitors can make; then by Little's law a turn takes V ÷ (turns/s) on average, whatever the order.
 */
const THINK_SECONDS = Number(values.think);
if (!Number.isFinite(THINK_SECONDS) || THINK_SECONDS < 0) {
  console.error(`--think must be a number of seconds, 0 or more (got ${values.think})`);
  process.exit(2);
}
const ENGINES_WANTED = listOf('engines', values.engines, ENGINES);
const PATHS_WANTED = listOf('paths', values.paths, PATHS);
const EXTRA_ENV = envPairs(values.env);
/** A folder: each phase's CPU profile (client and Prex alike, one process) is written there, for Chrome DevTools. */
const PROFILE_DIR = values['cpu-profile'] ? path.resolve(values['cpu-profile']) : undefined;
/** Unmeasured turns first on every instance (JIT, pool connections, caches). */
const WARMUP_VISITORS = 10;
const WARMUP_TURNS = 3;
/** After a failed turn a visitor waits this long, so a server refusing at once is not hammered in a loop. */
const PAUSE_AFTER_ERROR_MS = 100;
/** Postgres reports commits to pg_stat_database at most this late. */
const STATS_FLUSH_MS = 1_500;
/** Sessions are created this many at a time before a phase (not measured). */
const SESSION_BATCH = 25;

/**
 * What every instance runs with. The per-address rate limit (120 a minute by default) would refuse
 * a visitor sending turns back to back within seconds: it is raised far out of the way. Each
 * visitor sends its own X-Forwarded-For address (one proxy hop trusted), as visitors behind a
 * reverse proxy do: on Postgres the shared rate-limit counter is then one row per visitor, not
 * one row all of them contend for.
 */
const BASE_ENV: Record<string, string> = {
  PREX_RATE_LIMIT_PER_MINUTE: '100000000',
  PREX_TRUST_PROXY_HOPS: '1',
  // A visitor-facing pace, not a cost (as in the turn bench).
  PREX_EXTRACTIVE_DELAY_MS: '0',
};

/** The instant model's answer: 24 deltas, about the length of a typical extractive answer. */
const MODEL_REPLY = Array.from({ length: 24 }, (_, i) => (i === 0 ? 'To do that, ' : `step ${i} of the answer, `));

interface Phase {
  visitors: number;
  turns: number;
  /** Turns finished within the measured seconds. */
  turnsInWindow: number;
  firstDelta: number[];
  /** Failures by cause: an HTTP status (429 is a rate limit, not a failure of the server), a timeout, a broken stream. */
  errors: Map<string, number>;
  firstErrors: string[];
  /** Turns each visitor finished: a fair server gives them about the same number. */
  perVisitor: number[];
  /** Transactions the database committed per finished turn (every statement outside a transaction is one). */
  transactionsPerTurn: number;
  cpuPercent: number;
  /** This process's CPU time per finished turn, client included: what a turn costs whatever share of the cores the process got. */
  cpuMsPerTurn: number;
  loopDelayP99Ms: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A visitor's pause before their next question (none when --think is 0), never past the deadline. */
async function think(deadline: number): Promise<void> {
  if (THINK_SECONDS > 0) await sleep(Math.min(-Math.log(1 - Math.random()) * THINK_SECONDS * 1000, Math.max(0, deadline - performance.now())));
}

/** The cause of a failed turn, short: `429`, `503`, `timeout`, `network`, `stream`. */
function causeOf(err: unknown): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const status = /→ (\d{3})/.exec(message);
  if (status) return status[1]!;
  if (/timeout|aborted/i.test(message)) return 'timeout';
  if (/fetch failed|ECONNRESET|socket/i.test(message)) return 'network';
  return 'stream';
}

/** One visitor's address, distinct per visitor (documentation range 198.18.0.0/15). */
function visitorAddress(i: number): string {
  return `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

async function openSessions(target: Target, n: number): Promise<{ target: Target; token: string }[]> {
  const visitors: { target: Target; token: string }[] = [];
  for (let start = 0; start < n; start += SESSION_BATCH) {
    const batch = Array.from({ length: Math.min(SESSION_BATCH, n - start) }, async (_, k) => {
      const own: Target = { ...target, headers: { ...target.headers, 'x-forwarded-for': visitorAddress(start + k) } };
      return { target: own, token: await createSession(own) };
    });
    visitors.push(...(await Promise.all(batch)));
  }
  return visitors;
}

/** V visitors send turns back to back for `seconds`; turns started before the end are all measured. */
async function runPhase(target: Target, visitorCount: number, seconds: number, committed: () => Promise<number>): Promise<Phase> {
  const visitors = await openSessions(target, visitorCount);
  const committedBefore = await committed();
  const phase: Phase = { visitors: visitorCount, turns: 0, turnsInWindow: 0, firstDelta: [], errors: new Map(), firstErrors: [], perVisitor: new Array<number>(visitorCount).fill(0), transactionsPerTurn: Number.NaN, cpuMsPerTurn: Number.NaN, cpuPercent: 0, loopDelayP99Ms: 0, seconds };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    visitors.map(async (visitor, v) => {
      // With pauses, visitors arrive spread out, not all at the first instant.
      await think(deadline);
      for (let i = v; performance.now() < deadline; i++) {
        try {
          const turn = await runTurn(visitor.target, visitor.token, DEMO_QUESTIONS[i % DEMO_QUESTIONS.length]!);
          phase.turns += 1;
          phase.perVisitor[v]! += 1;
          phase.firstDelta.push(turn.firstDeltaMs);
          if (performance.now() <= deadline) phase.turnsInWindow += 1;
          await think(deadline);
        } catch (err) {
          const cause = causeOf(err);
          phase.errors.set(cause, (phase.errors.get(cause) ?? 0) + 1);
          if (phase.firstErrors.length < 3) phase.firstErrors.push(String((err as Error).message ?? err).slice(0, 200));
          await sleep(PAUSE_AFTER_ERROR_MS);
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  phase.cpuPercent = ((cpu.user + cpu.system) / 1000 / elapsed) * 100;
  phase.cpuMsPerTurn = (cpu.user + cpu.system) / 1000 / phase.turns;
  loop.disable();
  phase.loopDelayP99Ms = loop.percentile(99) / 1e6;
  // The statistics reach pg_stat_database within a second of each commit (Postgres's own flush).
  await new Promise((r) => setTimeout(r, STATS_FLUSH_MS));
  phase.transactionsPerTurn = (await committed() - committedBefore) / phase.turns;
  return phase;
}

/** Starts the CPU profiler when --cpu-profile asked for it; the returned function writes the profile. */
async function startProfile(): Promise<(name: string) => Promise<void>> {
  if (!PROFILE_DIR) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (name) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    mkdirSync(PROFILE_DIR, { recursive: true });
    writeFileSync(path.join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
  };
}

async function warmUp(target: Target): Promise<void> {
  const visitors = await openSessions(target, WARMUP_VISITORS);
  await Promise.all(visitors.map(async (v) => {
    for (let i = 0; i < WARMUP_TURNS; i++) await runTurn(v.target, v.token, DEMO_QUESTIONS[i % DEMO_QUESTIONS.length]!);
  }));
}

// ---------------------------------------------------------------------------------------------
// Printing

const lpad = (s: string, w: number) => s.padStart(w);
const fmt = (n: number) => (Number.isFinite(n) ? String(round(n, n < 100 ? 1 : 0)) : '—');

function header(): void {
  console.log(`  ${'instance'.padEnd(34)}${lpad('V', 5)}${lpad('turns/s', 9)}${lpad('p50', 8)}${lpad('p95', 8)}${lpad('p99', 8)}${lpad('errors', 8)}${lpad('429', 6)}${lpad('cpu%', 6)}${lpad('cpu ms/turn', 12)}${lpad('lag99', 7)}${lpad('turns/visitor', 15)}${lpad('tx/turn', 9)}`);
}

function printPhase(label: string, p: Phase): void {
  const sorted = [...p.firstDelta].sort((a, b) => a - b);
  const limited = p.errors.get('429') ?? 0;
  const failures = [...p.errors.entries()].filter(([cause]) => cause !== '429');
  const failed = failures.reduce((s, [, n]) => s + n, 0);
  console.log(
    `  ${label.padEnd(34)}${lpad(String(p.visitors), 5)}${lpad(fmt(p.turnsInWindow / p.seconds), 9)}${lpad(fmt(percentile(sorted, 0.5)), 8)}${lpad(fmt(percentile(sorted, 0.95)), 8)}${lpad(fmt(percentile(sorted, 0.99)), 8)}${lpad(String(failed), 8)}${lpad(String(limited), 6)}${lpad(fmt(p.cpuPercent), 6)}${lpad(fmt(p.cpuMsPerTurn), 12)}${lpad(fmt(p.loopDelayP99Ms), 7)}${lpad(`${Math.min(...p.perVisitor)}–${Math.max(...p.perVisitor)}`, 15)}${lpad(fmt(p.transactionsPerTurn), 9)}`,
  );
  if (failures.length) console.log(`  ${''.padEnd(34)}failures by cause: ${failures.map(([c, n]) => `${c}×${n}`).join(', ')}; e.g. ${p.firstErrors[0] ?? ''}`);
}

// ---------------------------------------------------------------------------------------------
// Main

/** The database's commits so far (sessions created before a phase are outside its count). */
async function commits(db: unknown): Promise<number> {
  const rows = await (db as { query<T>(sql: string): Promise<T[]> }).query<{ n: number }>(
    'select xact_commit::float8 as n from pg_stat_database where datname = current_database()',
  );
  return Number(rows[0]?.n ?? Number.NaN);
}

interface Build {
  name: 'this build' | 'baseline';
  dist: string | undefined;
}

async function measureInstance(engine: Engine, answerPath: AnswerPath, build: Build): Promise<void> {
  const stoppables: Stoppable[] = [];
  const label = `${build.name}, ${engine}, ${answerPath}`;
  try {
    const env: Record<string, string> = { ...BASE_ENV, ...EXTRA_ENV };
    if (engine === 'postgres') {
      const { startPostgres } = await import('@prex/testing');
      const pg = await startPostgres({ database: 'bench' });
      stoppables.push({ close: () => pg.stop() });
      env.DATABASE_URL = pg.url;
    }
    if (answerPath === 'model') {
      const model = await startLoopbackLlm();
      stoppables.push(model);
      model.setReply(MODEL_REPLY);
      // A price for the stand-in model, so its usage rows carry a cost as a real model's do.
      Object.assign(env, model.env, { PREX_MODEL_PRICES: JSON.stringify({ [model.env.OPENAI_MODEL!]: { input: 0.15, output: 0.6 } }) });
    }
    const prex = await startPrex(env, build.dist);
    stoppables.push(prex);
    await warmUp(prex.target);
    for (const visitors of VISITORS) {
      const stopProfile = await startProfile();
      const phase = await runPhase(prex.target, visitors, SECONDS, () => commits(prex.db));
      await stopProfile(`${build.name.replace(' ', '-')}-${engine}-${answerPath}-${visitors}`);
      printPhase(label, phase);
    }
  } catch (err) {
    console.log(`  ${label.padEnd(34)}not measured: ${(err as Error).message ?? err}`);
  } finally {
    for (const s of stoppables.reverse()) await s.close().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const builds: Build[] = [{ name: 'this build', dist: undefined }];
  if (values.baseline) builds.push({ name: 'baseline', dist: path.resolve(repoRoot, values.baseline) });
  console.log(
    `Prex under load · ${new Date().toISOString()} · node ${process.version} · ${cpus().length} cpus · load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  );
  console.log(
    `each visitor its own session, ${THINK_SECONDS ? `a turn, then a pause of ${THINK_SECONDS} s on average,` : 'turns back to back'} for ${SECONDS} s; first text-delta in ms from POST /v1/chat; turns/s counts turns finished in the window; cpu% is this process (client and Prex share it; 100 = one core), cpu ms/turn its CPU time per turn (on PGlite everything but the model stand-in runs in it); lag99 the event loop's p99 delay in ms; turns/visitor the fewest–most turns one visitor finished; tx/turn the database's commits per turn (pg_stat_database)`,
  );
  if (Object.keys(EXTRA_ENV).length) console.log(`extra configuration: ${Object.entries(EXTRA_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  header();
  // Builds back to back for each configuration, so the baseline and this build see the same load.
  for (const engine of ENGINES_WANTED) {
    for (const answerPath of PATHS_WANTED) {
      for (const build of builds) await measureInstance(engine, answerPath, build);
    }
  }
  console.log(`load at end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (above the cpu count, other work was competing)`);
  process.exit(0);
}

await main();
