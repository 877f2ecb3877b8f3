/**
 * What one tenant's hostile upload costs another tenant's visitors: the demo tenant's chat latency
 * (first text-delta and [DONE], median and p95) while a second tenant's upload of hostile files is
 * stored and parsed, against the same with no upload in flight. Each round runs --turns/--rounds
 * quiet turns, then uploads one job of hostile files and keeps chatting until the job is done, so
 * background noise falls on both conditions alike. Runs the built backend (dist), as in production:
 * parsing in its worker thread under the default limits. Prints; never asserts.
 *
 *   pnpm --filter @prex/bench bench:hostile [--turns 200] [--rounds 3] [--files all|small]
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSession, runTurn, type Target } from './client.js';
import { startPrex } from './prex.js';
import { percentile, round } from './stats.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { turns: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' }, files: { type: 'string', default: 'all' } },
});
const TURNS = Number(values.turns);
const ROUNDS = Number(values.rounds);
/** Quiet turns per round; the hostile ones run for as long as that round's job takes. */
const PER_BLOCK = Math.ceil(TURNS / ROUNDS);
const SESSION_EVERY = 20;
const QUESTIONS = ['How do I request a refund?', 'How do I reset my password?', 'How do I export my notes?', 'How much does the Plus plan cost?'];

/* eslint-disable @typescript-eslint/no-explicit-any */
// The hostile files are the backend tests' own generators (backend/test/fixtures/hostile.ts).
const hostile: any = await import(path.join(repoRoot, 'backend/test/fixtures/hostile.ts'));
const { createTenant }: any = await import(path.join(repoRoot, 'backend/dist/tenants/repository.js'));

/**
 * One hostile job: every kind of file the limits stop, the ones that cost the most to refuse first.
 * --files small leaves out the two large ones (12 MB of HTML, 2 MB of text), whose storing and
 * parsing cost the most, to see what refusing the rest costs on its own.
 */
function hostileFiles(): Array<[string, Uint8Array | string]> {
  const large = ['huge.txt', 'big.html'];
  return ([
    ['huge.txt', hostile.longText(2_000_001)],
    ['big.html', hostile.wideHtml(300_000)],
    ['bomb.docx', hostile.zipBombDocx({ inflatedMb: 400 })],
    ['liar.docx', hostile.zipBombDocx({ inflatedMb: 400, declaredMb: 0.01 })],
    ['deep.html', hostile.deepHtml(100_000)],
    ['manual.pdf', hostile.manyPagesPdf(2_001)],
  ] as Array<[string, Uint8Array | string]>).filter(([name]) => values.files !== 'small' || !large.includes(name));
}

const prex = await startPrex({});
const target: Target = prex.target;
const { secretKey } = await createTenant(prex.db, { name: 'uploader', allowedOrigins: [] });

async function uploadHostileJob(): Promise<string> {
  const form = new FormData();
  for (const [name, bytes] of hostileFiles()) form.append('files', new Blob([bytes]), name);
  const res = await fetch(`${target.baseUrl}/v1/admin/documents`, { method: 'POST', headers: { authorization: `Bearer ${secretKey}` }, body: form });
  if (res.status !== 202) throw new Error(`upload → ${res.status} ${await res.text()}`);
  return ((await res.json()) as { jobId: string }).jobId;
}

async function job(jobId: string): Promise<{ status: string; items: Array<{ externalId: string; status: string; error?: string }> }> {
  const res = await fetch(`${target.baseUrl}/v1/admin/jobs/${jobId}`, { headers: { authorization: `Bearer ${secretKey}` } });
  return (await res.json()) as any;
}

interface Samples {
  first: number[];
  done: number[];
  errors: string[];
  /** How late a 20 ms timer on the API's thread fired, in ms, while these turns ran. */
  lag: number[];
}
const samples = (): Samples => ({ first: [], done: [], errors: [], lag: [] });
const quiet = samples();
const busy = samples();
let current: Samples | undefined;
const LAG_TICK_MS = 20;
let lastTick = performance.now();
const lagWatch = setInterval(() => {
  const now = performance.now();
  current?.lag.push(Math.max(0, now - lastTick - LAG_TICK_MS));
  lastTick = now;
}, LAG_TICK_MS);
let token = await createSession(target);
let turn = 0;
/**
 * Turns until `more()` says stop (at least `min`); a failed turn (or session) is counted, not
 * measured, and the block goes on.
 */
async function block(into: Samples, min: number, more: () => boolean = () => false): Promise<void> {
  current = into;
  for (let i = 0; i < min || more(); i++, turn++) {
    try {
      if (turn % SESSION_EVERY === 0) token = await createSession(target);
      const r = await runTurn(target, token, QUESTIONS[turn % QUESTIONS.length]!);
      into.first.push(r.firstDeltaMs);
      into.done.push(r.doneMs);
    } catch (err) {
      into.errors.push(err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err));
      token = await createSession(target).catch(() => token);
    }
  }
  current = undefined;
}

console.log(`hostile upload bench (${values.files} files): ${ROUNDS} rounds of ${PER_BLOCK} quiet turns, then turns for as long as a hostile job runs; ${cpus().length} cpus, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (let i = 0; i < 20; i++) await runTurn(target, token, QUESTIONS[i % QUESTIONS.length]!); // warm-up
let peakRss = 0;
const rssWatch = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const allJobs: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  await block(quiet, PER_BLOCK);
  // From the upload's first byte to the job's last file: every turn in between is "during".
  let inFlight = true;
  const upload = (async () => {
    const id = await uploadHostileJob();
    allJobs.push(id);
    while ((await job(id)).status !== 'done') await new Promise((r) => setTimeout(r, 100));
    inFlight = false;
  })();
  await block(busy, 1, () => inFlight);
  await upload;
}
clearInterval(rssWatch);
clearInterval(lagWatch);

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: round(percentile(sorted, 0.5), 2), p95: round(percentile(sorted, 0.95), 2) };
};
const q = { first: stats(quiet.first), done: stats(quiet.done) };
const h = { first: stats(busy.first), done: stats(busy.done) };
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log('\nother tenant\'s chat, ms                  first text-delta        [DONE]');
console.log('                                           median     p95     median     p95');
console.log(`  no upload in flight                    ${String(q.first.median).padStart(7)} ${String(q.first.p95).padStart(7)}   ${String(q.done.median).padStart(7)} ${String(q.done.p95).padStart(7)}`);
console.log(`  hostile upload being parsed            ${String(h.first.median).padStart(7)} ${String(h.first.p95).padStart(7)}   ${String(h.done.median).padStart(7)} ${String(h.done.p95).padStart(7)}`);
console.log(`  ratio (hostile ÷ quiet)                ${ratio(h.first.median, q.first.median).padStart(7)} ${ratio(h.first.p95, q.first.p95).padStart(7)}   ${ratio(h.done.median, q.done.median).padStart(7)} ${ratio(h.done.p95, q.done.p95).padStart(7)}`);

const loop = (s: Samples) => {
  const sorted = [...s.lag].sort((a, b) => a - b);
  return `API thread's event loop late by p99 ${round(percentile(sorted, 0.99), 1)} ms, max ${round(sorted.at(-1) ?? Number.NaN, 1)} ms`;
};
console.log(`\n  no upload:      ${quiet.first.length} turns measured, ${quiet.errors.length} failed; ${loop(quiet)}`);
console.log(`  hostile upload: ${busy.first.length} turns measured, ${busy.errors.length} failed; ${loop(busy)}`);
for (const e of new Set([...quiet.errors, ...busy.errors])) console.log(`    failed turn: ${e}`);

const outcomes = new Map<string, string>();
let failed = 0;
let total = 0;
for (const id of allJobs) {
  for (const item of (await job(id)).items) {
    total++;
    if (item.status === 'failed') failed++;
    if (item.status !== 'queued' && item.status !== 'indexing') outcomes.set(item.externalId, `${item.status}: ${item.error ?? ''}`);
  }
}
console.log(`\n${allJobs.length} hostile jobs, ${total} files, ${failed} failed on a limit; peak process RSS ${Math.round(peakRss / 2 ** 20)} MB`);
for (const [name, outcome] of outcomes) console.log(`  ${name.padEnd(12)} ${outcome}`);
console.log(`load at end ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
await prex.close();
