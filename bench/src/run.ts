/**
 * Prex bench: prints bundle sizes beside their budgets and the backend's time from message POST
 * to first text-delta and to [DONE], against a bare Express 5 SSE floor. It prints; it never
 * asserts timings (they depend on the machine). Results also go to bench/results/latest.json.
 *
 *   pnpm --filter @prex/bench bench [--turns 300] [--warmup 30] [--session-every 20] [--only floor,extractive,llm,llm-rules]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSession, runTurn, type Target, type TurnResult } from './client.js';
import { builtinAnswer, startFloorServer, type FloorServer } from './floor.js';
import { startPrex, startLoopbackLlm, type Stoppable } from './prex.js';
import { DEMO_QUESTIONS } from './questions.js';
import { measureBundles, type BundleSize } from './sizes.js';
import { round, summarize, type Summary } from './stats.js';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(benchDir, '..');

// ---------------------------------------------------------------------------------------------
// Options

/** llm: messages labelled by the model (a second, small call per turn); llm-rules: by rules (PREX_CLASSIFIER=rules). */
const ALL_CONFIGS = ['floor', 'extractive', 'llm', 'llm-rules'] as const;
/** baseline: the extractive answerer of another build of the backend (--baseline), measured beside this one. */
type ConfigName = (typeof ALL_CONFIGS)[number] | 'baseline';

const argv = process.argv.slice(2).filter((a) => a !== '--');
const { values } = parseArgs({
  args: argv,
  options: {
    turns: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    'session-every': { type: 'string', default: '20' },
    only: { type: 'string', default: ALL_CONFIGS.join(',') },
    baseline: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: pnpm --filter @prex/bench bench [--turns 300] [--warmup 30] [--session-every 20] [--only floor,extractive,llm,llm-rules] [--baseline backend/dist/baseline/dist]');
  process.exit(0);
}
function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${raw})`);
    process.exit(2);
  }
  return n;
}
const TURNS = positiveInt('turns', values.turns);
const WARMUP = positiveInt('warmup', values.warmup);
const SESSION_EVERY = positiveInt('session-every', values['session-every']);
const ONLY = values.only.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of ONLY) {
  if (!(ALL_CONFIGS as readonly string[]).includes(name)) {
    console.error(`--only: unknown configuration "${name}" (known: ${ALL_CONFIGS.join(', ')})`);
    process.exit(2);
  }
}
// The floor is the yardstick; it always runs.
const wanted = new Set<ConfigName>(['floor', ...(ONLY as ConfigName[])]);

const QUESTIONS = DEMO_QUESTIONS;

// ---------------------------------------------------------------------------------------------
// Configurations

interface Run {
  name: ConfigName;
  label: string;
  /** The answerer the data-prex-meta chunk must name (undefined: the floor, anything goes). */
  expectAnswerer: string | undefined;
  target: Target;
  token: string | undefined;
  turnsOnToken: number;
  firstDelta: number[];
  done: number[];
  deltas: number[];
  textChars: number[];
  answerers: Record<string, number>;
  grounded: number;
  errors: string[];
  sessions: number;
}

function newRun(name: ConfigName, label: string, target: Target, expectAnswerer: string | undefined): Run {
  return {
    name,
    label,
    expectAnswerer,
    target,
    token: undefined,
    turnsOnToken: 0,
    firstDelta: [],
    done: [],
    deltas: [],
    textChars: [],
    answerers: {},
    grounded: 0,
    errors: [],
    sessions: 0,
  };
}

/** One turn on a configuration's current session, rotating to a fresh session every SESSION_EVERY turns. */
async function turn(run: Run, i: number, keepChunks = false): Promise<TurnResult> {
  if (!run.token || run.turnsOnToken >= SESSION_EVERY) {
    run.token = await createSession(run.target);
    run.turnsOnToken = 0;
    run.sessions += 1;
  }
  run.turnsOnToken += 1;
  const result = await runTurn(run.target, run.token, QUESTIONS[i % QUESTIONS.length]!, keepChunks);
  if (run.expectAnswerer && result.answerer !== run.expectAnswerer) {
    throw new Error(`expected answerer "${run.expectAnswerer}", the stream said "${result.answerer}"`);
  }
  return result;
}

function resetSession(run: Run) {
  run.token = undefined;
  run.sessions = 0;
}

/** The text-delta strings of an answer's chunks. */
function textDeltas(chunks: readonly unknown[]): string[] {
  return chunks
    .map((c) => c as { type?: string; delta?: string })
    .filter((c) => c.type === 'text-delta' && typeof c.delta === 'string')
    .map((c) => c.delta!);
}

function record(run: Run, r: TurnResult) {
  run.firstDelta.push(r.firstDeltaMs);
  run.done.push(r.doneMs);
  run.deltas.push(r.deltas);
  run.textChars.push(r.textChars);
  const key = r.answerer ?? '(none)';
  run.answerers[key] = (run.answerers[key] ?? 0) + 1;
  if (r.grounded) run.grounded += 1;
}

// ---------------------------------------------------------------------------------------------
// Printing

const fmtInt = (n: number) => n.toLocaleString('en-US');
const fmtMs = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const fmtRatio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)}×` : '—');
const pad = (s: string, w: number) => s.padEnd(w);
const lpad = (s: string, w: number) => s.padStart(w);

function printSizes(bundles: BundleSize[]) {
  console.log('Bundle sizes (each initial file gzipped at level 9, summed)');
  console.log(`  ${pad('bundle', 8)}${pad('initial files', 34)}${lpad('raw B', 10)}${lpad('gzip B', 10)}${lpad('budget B', 10)}${lpad('used', 7)}`);
  for (const b of bundles) {
    if (b.missing) {
      console.log(`  ${pad(b.name, 8)}not measured: ${b.missing}`);
      continue;
    }
    const names = b.files.map((f) => f.file);
    const label = names.length === 1 ? names[0]! : `${names[0]} + ${names.length - 1} chunk${names.length > 2 ? 's' : ''}`;
    const used = `${Math.round((b.gzip / b.budget) * 100)}%`;
    const flag = b.gzip > b.budget ? '  OVER BUDGET' : '';
    console.log(
      `  ${pad(b.name, 8)}${pad(label, 34)}${lpad(fmtInt(b.raw), 10)}${lpad(fmtInt(b.gzip), 10)}${lpad(fmtInt(b.budget), 10)}${lpad(used, 7)}${flag}`,
    );
    if (b.files.length > 1) {
      for (const f of b.files) console.log(`  ${pad('', 8)}${pad(`  ${f.file}`, 34)}${lpad(fmtInt(f.raw), 10)}${lpad(fmtInt(f.gzip), 10)}`);
    }
    if (b.lazy.length) {
      const gz = b.lazy.reduce((s, f) => s + f.gzip, 0);
      console.log(`  ${pad('', 8)}${pad(`  (+ ${b.lazy.length} lazy/other .js, not counted)`, 34)}${lpad(fmtInt(b.lazy.reduce((s, f) => s + f.raw, 0)), 10)}${lpad(fmtInt(gz), 10)}`);
    }
  }
}

interface RunReport {
  name: ConfigName;
  label: string;
  firstDeltaMs: Summary;
  doneMs: Summary;
  /** Median ÷ the floor's median. */
  ratioToFloor: { firstDelta: number; done: number } | null;
  turnsOk: number;
  errors: number;
  firstErrors: string[];
  sessions: number;
  answerers: Record<string, number>;
  grounded: number;
  medianDeltas: number;
  medianTextChars: number;
}

function report(run: Run, floor: Run | undefined): RunReport {
  const firstDeltaMs = summarize(run.firstDelta);
  const doneMs = summarize(run.done);
  const floorFirst = floor ? summarize(floor.firstDelta).median : Number.NaN;
  const floorDone = floor ? summarize(floor.done).median : Number.NaN;
  return {
    name: run.name,
    label: run.label,
    firstDeltaMs,
    doneMs,
    ratioToFloor:
      floor && run !== floor ? { firstDelta: round(firstDeltaMs.median / floorFirst, 2), done: round(doneMs.median / floorDone, 2) } : null,
    turnsOk: run.done.length,
    errors: run.errors.length,
    firstErrors: [...new Set(run.errors)].slice(0, 3),
    sessions: run.sessions,
    answerers: run.answerers,
    grounded: run.grounded,
    medianDeltas: summarize(run.deltas).median,
    medianTextChars: summarize(run.textChars).median,
  };
}

function printLatency(reports: RunReport[], skipped: Record<string, string>, floorAnswer: string) {
  console.log(
    `\nAnswer latency, ms from POST /v1/chat (${TURNS} turns per config, interleaved; ${WARMUP} warm-up turns; new session every ${SESSION_EVERY} turns)`,
  );
  console.log(`  ${pad('', 34)}${pad('  first text-delta', 18)}${pad('      [DONE]', 18)}  median ÷ floor`);
  console.log(`  ${pad('config', 34)}${lpad('median', 9)}${lpad('p99', 9)}${lpad('median', 9)}${lpad('p99', 9)}${lpad('first', 8)}${lpad('done', 8)}`);
  for (const r of reports) {
    const ratio = r.ratioToFloor;
    console.log(
      `  ${pad(r.label, 34)}${lpad(fmtMs(r.firstDeltaMs.median), 9)}${lpad(fmtMs(r.firstDeltaMs.p99), 9)}${lpad(fmtMs(r.doneMs.median), 9)}${lpad(fmtMs(r.doneMs.p99), 9)}${lpad(ratio ? fmtRatio(ratio.firstDelta) : '1.0×', 8)}${lpad(ratio ? fmtRatio(ratio.done) : '1.0×', 8)}`,
    );
  }
  for (const [name, why] of Object.entries(skipped)) console.log(`  ${pad(name, 34)}skipped: ${why}`);
  console.log('');
  for (const r of reports) {
    const answerers = Object.entries(r.answerers).map(([k, v]) => `${k}×${v}`).join(' ');
    const vs = r.ratioToFloor ? `; ${fmtRatio(r.ratioToFloor.firstDelta)} / ${fmtRatio(r.ratioToFloor.done)} the floor's medians` : '';
    const extra = r.name === 'floor' ? `; ${floorAnswer}` : `; answerer ${answerers || '(none)'}, ${r.grounded} grounded`;
    console.log(
      `${r.name}: first delta ${fmtMs(r.firstDeltaMs.median)} ms median, ${fmtMs(r.firstDeltaMs.p99)} ms p99; [DONE] ${fmtMs(r.doneMs.median)} ms median, ${fmtMs(r.doneMs.p99)} ms p99${vs} (${r.turnsOk} ok, ${r.errors} errors, ${r.sessions} sessions, ~${Math.round(r.medianDeltas)} deltas/${Math.round(r.medianTextChars)} chars per answer${extra})`,
    );
    for (const e of r.firstErrors) console.log(`  error: ${e}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const started = new Date();
  const cpu = cpus();
  const loadAtStart = loadavg();
  const load = loadAtStart.map((l) => l.toFixed(2));
  console.log(
    `Prex bench · ${started.toISOString()} · node ${process.version} · ${platform()} ${arch()}, ${cpu.length} cpus (${cpu[0]?.model.trim() ?? '?'}) · load ${load.join(' ')}\n`,
  );

  const bundles = measureBundles(repoRoot);
  printSizes(bundles);

  const stoppables: Stoppable[] = [];
  const runs: Run[] = [];
  const skipped: Record<string, string> = {};
  let floorServer: FloorServer | undefined;
  let exitCode = 0;

  try {
    floorServer = await startFloorServer();
    stoppables.push(floorServer);
    const floor = newRun('floor', 'floor (bare Express 5 SSE)', { baseUrl: floorServer.url, publishableKey: 'pk_bench_floor' }, undefined);

    const progress = (msg: string) => process.stderr.write(`· ${msg}\n`);

    let extractive: Run | undefined;
    let baseline: Run | undefined;
    if (wanted.has('extractive')) {
      try {
        progress('starting Prex (extractive answerer, fresh PGlite + demo seed)…');
        const prex = await startPrex({});
        stoppables.push(prex);
        extractive = newRun('extractive', 'prex, extractive answerer', prex.target, 'extractive');
      } catch (err) {
        skipped['prex, extractive answerer'] = String((err as Error).message ?? err);
      }
    }
    if (values.baseline) {
      try {
        progress(`starting the baseline Prex from ${values.baseline} (extractive answerer, fresh PGlite + demo seed)…`);
        const prex = await startPrex({}, path.resolve(repoRoot, values.baseline));
        stoppables.push(prex);
        baseline = newRun('baseline', 'baseline, extractive answerer', prex.target, 'extractive');
      } catch (err) {
        skipped['baseline, extractive answerer'] = String((err as Error).message ?? err);
      }
    }
    const llmRuns: Run[] = [];
    let model: Awaited<ReturnType<typeof startLoopbackLlm>> | undefined;
    const llmConfigs = [
      { name: 'llm', label: 'llm, model labels', env: {} },
      { name: 'llm-rules', label: 'llm, rule labels', env: { PREX_CLASSIFIER: 'rules' } },
    ] as const;
    for (const config of llmConfigs.filter((c) => wanted.has(c.name))) {
      try {
        progress(`starting the loopback OpenAI-compatible server and Prex (${config.label})…`);
        if (!model) {
          model = await startLoopbackLlm();
          stoppables.push(model);
        }
        const prex = await startPrex({ ...model.env, ...config.env });
        stoppables.push(prex);
        llmRuns.push(newRun(config.name, `prex, ${config.label}`, prex.target, 'llm'));
      } catch (err) {
        skipped[`prex, ${config.label}`] = String((err as Error).message ?? err);
      }
    }

    // Warm-up (JIT, connection pools, PGlite caches). The last extractive answer becomes the
    // answer the floor replays and the loopback model streams (same deltas), so all three
    // configurations send the same text in the same pieces.
    progress(`warming up (${WARMUP} turns per config)…`);
    let answer: unknown[] = builtinAnswer();
    if (extractive) {
      const samples: TurnResult[] = [];
      for (let i = 0; i < WARMUP; i++) samples.push(await turn(extractive, i, true));
      // A typical answer: the one with the median number of deltas.
      samples.sort((a, b) => a.deltas - b.deltas);
      answer = samples[Math.floor((samples.length - 1) / 2)]?.chunks ?? answer;
      resetSession(extractive);
    }
    floorServer.setAnswer(answer, extractive ? 'captured' : 'builtin');
    model?.setReply(textDeltas(answer));
    for (const other of [...(baseline ? [baseline] : []), ...llmRuns]) {
      for (let i = 0; i < WARMUP; i++) await turn(other, i);
      resetSession(other);
    }
    for (let i = 0; i < WARMUP; i++) await turn(floor, i);
    resetSession(floor);

    runs.push(floor, ...(extractive ? [extractive] : []), ...(baseline ? [baseline] : []), ...llmRuns);

    // Measure, interleaved: turn i of every configuration runs before turn i+1 of any, and the
    // order rotates, so drift (GC, thermals, other load) spreads evenly.
    progress(`measuring (${TURNS} turns per config)…`);
    for (let i = 0; i < TURNS; i++) {
      for (let k = 0; k < runs.length; k++) {
        const run = runs[(i + k) % runs.length]!;
        try {
          record(run, await turn(run, i));
        } catch (err) {
          run.errors.push(String((err as Error).message ?? err));
          run.token = undefined; // start over on a fresh session
        }
      }
      if ((i + 1) % 100 === 0 && i + 1 < TURNS) progress(`${i + 1}/${TURNS}`);
    }
    process.stderr.write('\n');
  } catch (err) {
    console.error(`bench failed: ${(err as Error).stack ?? err}`);
    exitCode = 1;
  } finally {
    for (const s of stoppables.reverse()) await s.close().catch((e: unknown) => console.error(`close: ${String(e)}`));
  }

  const floorRun = runs.find((r) => r.name === 'floor');
  const reports = runs.map((r) => report(r, floorRun));
  const floorAnswer = floorServer?.answerSource() === 'captured' ? 'replays a captured Prex extractive answer' : 'built-in fixed answer';
  if (runs.length) printLatency(reports, skipped, floorAnswer);

  const out = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { node: process.version, platform: platform(), arch: arch(), cpus: cpu.length, cpuModel: cpu[0]?.model.trim(), loadAvgAtStart: loadAtStart, loadAvgAtEnd: loadavg() },
    options: { turns: TURNS, warmup: WARMUP, sessionEvery: SESSION_EVERY, configs: [...wanted] },
    bundles: bundles.map((b) => ({ ...b, overBudget: b.missing ? null : b.gzip > b.budget })),
    latency: { unit: 'ms', floorAnswer, configs: reports, skipped },
  };
  const resultsDir = path.join(benchDir, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, 'latest.json'), JSON.stringify(out, null, 2) + '\n');
  console.log(`\nload at end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min; above the cpu count, other work was competing and the numbers are noisier)`);
  console.log(`wrote ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json')) || 'results/latest.json'}`);
  process.exit(exitCode);
}

await main();
