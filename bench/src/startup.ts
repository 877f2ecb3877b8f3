/**
 * Start-up time and idle memory of the backend as a user starts it: `node backend/dist/main.js`
 * (what `npm run demo` and `pnpm --filter @prex/backend start` run) on the embedded PGlite default
 * with the demo tenant seeded, its data directory in a temp folder. For each run: a fresh data
 * directory, then the same directory again (existing), then `prex --help`. Prints medians; never
 * asserts (the figures depend on the machine).
 *
 *   pnpm --filter @prex/bench bench:startup [--runs 5] [--settle 3000] [--baseline backend/dist/baseline/dist]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarize, type Summary } from './stats.js';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(benchDir, '..');

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    runs: { type: 'string', default: '5' },
    settle: { type: 'string', default: '3000' },
    baseline: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: pnpm --filter @prex/bench bench:startup [--runs 5] [--settle 3000] [--baseline backend/dist/baseline/dist]');
  process.exit(0);
}
const RUNS = Number(values.runs);
/** How long the server is left alone after it answers before its RSS is read (lazy work, GC). */
const SETTLE_MS = Number(values.settle);
/** How long a start may take before the run is counted as failed. */
const START_TIMEOUT_MS = 120_000;

/** A build of the backend: the directory holding main.js and cli/main.js. */
interface Build {
  label: string;
  dist: string;
}

interface Samples {
  freshStart: number[];
  freshRss: number[];
  existingStart: number[];
  existingRss: number[];
  help: number[];
  errors: string[];
}

const builds: Build[] = [{ label: 'prex', dist: path.join(repoRoot, 'backend/dist') }];
if (values.baseline) builds.push({ label: 'baseline', dist: path.resolve(repoRoot, values.baseline) });

/** A free loopback port: the backend is started with it, so the bench knows where to knock. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The process's resident set (VmRSS), MiB. */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `main.js` of a build on `dataDir` and measures the time from spawn to /healthz answering
 * 200, then its RSS after SETTLE_MS. The environment is explicit (a developer's OPENAI_API_KEY or
 * DATABASE_URL must not leak in) and every directory the backend writes is inside `workDir`.
 */
async function startOnce(build: Build, workDir: string): Promise<{ seconds: number; rss: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(build.dist, 'main.js')], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? '', HOME: workDir, PORT: String(port), HOST: '127.0.0.1', PREX_DATA_DIR: path.join(workDir, 'data'), LOG_LEVEL: 'warn' },
    // The demo owner's password is printed on the first start: not the bench's business.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  try {
    for (;;) {
      if (exitCode !== undefined) throw new Error(`${build.label} exited with ${exitCode} before answering: ${stderr.trim().slice(-500)}`);
      if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`${build.label} did not answer within ${START_TIMEOUT_MS} ms`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) break;
      await sleep(10);
    }
    const seconds = (performance.now() - started) / 1000;
    await sleep(SETTLE_MS);
    return { seconds, rss: rssMiB(child.pid!) };
  } finally {
    if (exitCode === undefined) child.kill('SIGTERM');
    await exited;
  }
}

/** Wall time of `prex --help`, as an operator types it. */
async function helpOnce(build: Build): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(build.dist, 'cli/main.js'), '--help'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`prex --help (${build.label}) exited with ${code}`);
  return (performance.now() - started) / 1000;
}

async function measureRun(build: Build, into: Samples): Promise<void> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'prex-startup-'));
  try {
    const fresh = await startOnce(build, workDir);
    into.freshStart.push(fresh.seconds);
    into.freshRss.push(fresh.rss);
    const existing = await startOnce(build, workDir);
    into.existingStart.push(existing.seconds);
    into.existingRss.push(existing.rss);
    into.help.push(await helpOnce(build));
  } catch (err) {
    into.errors.push(String((err as Error).message ?? err));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

const samples = new Map<string, Samples>(builds.map((b) => [b.label, { freshStart: [], freshRss: [], existingStart: [], existingRss: [], help: [], errors: [] }]));
console.log(`start-up bench: ${RUNS} runs per build (${builds.map((b) => b.label).join(', ')}), RSS read ${SETTLE_MS} ms after /healthz answers; ${cpus().length} cpus, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (let run = 0; run < RUNS; run++) {
  // Interleaved, order rotating: background noise falls on every build alike.
  const order = run % 2 ? [...builds].reverse() : builds;
  for (const build of order) {
    process.stderr.write(`  run ${run + 1}/${RUNS}: ${build.label}…\n`);
    await measureRun(build, samples.get(build.label)!);
  }
}

const fmt = (s: Summary, digits: number) => (Number.isFinite(s.median) ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : 'not measured');
const rows: Array<[string, keyof Omit<Samples, 'errors'>, number]> = [
  ['fresh data dir: start-up, s', 'freshStart', 2],
  ['fresh data dir: idle RSS, MiB', 'freshRss', 0],
  ['existing data dir: start-up, s', 'existingStart', 2],
  ['existing data dir: idle RSS, MiB', 'existingRss', 0],
  ['prex --help, s', 'help', 2],
];
const results: Record<string, Record<string, Summary>> = {};
console.log(`\nmedian (min–max) of ${RUNS} runs`);
console.log(`${''.padEnd(34)}${builds.map((b) => b.label.padStart(22)).join('')}${builds.length > 1 ? '   prex ÷ baseline' : ''}`);
for (const [label, key, digits] of rows) {
  const stats = builds.map((b) => summarize(samples.get(b.label)![key]));
  builds.forEach((b, i) => ((results[b.label] ??= {})[key] = stats[i]!));
  const ratio = stats.length > 1 ? `   ${(stats[0]!.median / stats[1]!.median).toFixed(2)}×` : '';
  console.log(`${label.padEnd(34)}${stats.map((s) => fmt(s, digits).padStart(22)).join('')}${ratio}`);
}
for (const b of builds) for (const error of samples.get(b.label)!.errors) console.log(`  ${b.label} failed run: ${error}`);
console.log(`load at end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min; above the cpu count, the times are noisier)`);

mkdirSync(path.join(benchDir, 'results'), { recursive: true });
writeFileSync(path.join(benchDir, 'results/startup.json'), `${JSON.stringify({ runs: RUNS, settleMs: SETTLE_MS, builds, results, samples: Object.fromEntries(samples) }, null, 2)}\n`);
