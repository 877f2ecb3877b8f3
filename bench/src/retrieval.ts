/**
 * Retrieval bench: ingestion throughput (MB of text per second through the normal ingestion path,
 * lexical only) on the FeedbackQA corpora (when ../shared/eval is present) and on a generated
 * corpus, on PGlite and on a Postgres server (Debian's, started on loopback): one document per
 * transaction (upsertDocument) and --batch documents per transaction (upsertDocuments: cut in this
 * thread, and cut in an ingestion thread as the API does), and with --baseline an older backend's
 * source, in the same run. Each row prints the event loop's longest gaps meanwhile: what a chat
 * turn served by the same process would have waited. Then search latency (median, p95) in one
 * tenant of --chunks chunks with 10 other tenants' data present, on both engines.
 * Prints; never asserts timings.
 *
 *   pnpm --filter @prex/bench bench:retrieval [--chunks 100000] [--ingest-chunks 20000] [--batch 100[,500]]
 *     [--baseline backend/dist/baseline] [--others 10] [--other-chunks 5000] [--queries 300] [--explain 15]
 *
 * With --baseline, search latency is measured for both builds on the same database, question by
 * question in alternating order, and the passages each returns are compared. --explain N prints
 * where the statement's time goes (EXPLAIN (ANALYZE, BUFFERS): planning, execution, the costliest
 * plan nodes) for the median question and the N slowest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startPostgres } from '@prex/testing';
import { percentile, round } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    chunks: { type: 'string', default: '100000' },
    others: { type: 'string', default: '10' },
    'other-chunks': { type: 'string', default: '5000' },
    queries: { type: 'string', default: '300' },
    'skip-postgres': { type: 'boolean', default: false },
    /** Skip the ingestion-throughput part. */
    'latency-only': { type: 'boolean', default: false },
    /** Skip the search-latency part. */
    'ingest-only': { type: 'boolean', default: false },
    /** Chunks of the generated corpus ingested for the throughput figures. */
    'ingest-chunks': { type: 'string', default: '20000' },
    /** Documents per upsertDocuments call (one transaction) in the batched rows; a comma list gives a row each. */
    batch: { type: 'string', default: '100' },
    /** An older backend: a folder holding its src/ and migrations/ (see bench/README.md), measured beside this one. */
    baseline: { type: 'string' },
    /** EXPLAIN (ANALYZE, BUFFERS) of the median question and this many of the slowest (0: none). */
    explain: { type: 'string', default: '0' },
  },
});
const CHUNKS = Number(values.chunks);
const OTHERS = Number(values.others);
const OTHER_CHUNKS = Number(values['other-chunks']);
const QUERIES = Number(values.queries);
const INGEST_CHUNKS = Number(values['ingest-chunks']);
const BATCHES = values.batch.split(',').map((b) => Math.max(2, Number(b)));
const SECTIONS_PER_DOC = 10;
const EXPLAIN = Number(values.explain);

// The backend's modules, run from source by tsx (they are not part of its package exports).
interface Db {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: unknown): Promise<R[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
/* eslint-disable @typescript-eslint/no-explicit-any */
const backend = (p: string): Promise<any> => import(path.join(repoRoot, 'backend/src', p));
const [{ openPglite }, { openPostgres }, { migrate }, { createLogger }, { createTenant }, evalCli, evalFile] = await Promise.all([
  backend('db/pglite.ts'),
  backend('db/postgres.ts'),
  backend('db/migrate.ts'),
  backend('logger.ts'),
  backend('tenants/repository.ts'),
  backend('cli/eval.ts'),
  backend('cli/eval-file.ts'),
]);
const log = createLogger('silent');

/** What ingestion needs from a backend build: this one, or the --baseline one. */
interface IngestBuild {
  name: string;
  /** The build's knowledge/search module (searchPassages). */
  search: any;
  migrate(db: Db, log: unknown): Promise<unknown>;
  createTenant(db: Db, input: { name: string; allowedOrigins: string[] }): Promise<{ tenant: { id: string } }>;
  upsertDocument(db: Db, tenantId: string, doc: CorpusDocument): Promise<{ chunks: number }>;
  upsertDocuments?: (db: Db, tenantId: string, docs: CorpusDocument[], opts?: { chunk?: unknown }) => Promise<{ chunks: number }[]>;
  /** This build's ingestion threads (knowledge/parse/pool.ts): where the API and the job worker cut documents. */
  chunkInThread?: unknown;
  close?(): Promise<void>;
}
type CorpusDocument = { externalId: string; title: string; url?: string; content: string };

async function loadBuild(name: string, srcDir: string): Promise<IngestBuild> {
  const load = (p: string): Promise<any> => import(path.join(srcDir, p));
  const [m, t, i, s] = await Promise.all([load('db/migrate.ts'), load('tenants/repository.ts'), load('knowledge/ingest.ts'), load('knowledge/search/index.ts')]);
  return { name, search: s, migrate: m.migrate, createTenant: t.createTenant, upsertDocument: i.upsertDocument, upsertDocuments: i.upsertDocuments };
}
const current = await loadBuild('this build', path.join(repoRoot, 'backend/src'));
{
  // One ingestion thread, as a 2-core server gets (PREX_INGEST_THREADS' default there).
  const [{ SandboxPool }, { DEFAULT_PARSE_LIMITS }] = await Promise.all([backend('knowledge/parse/pool.ts'), backend('knowledge/parse/index.ts')]);
  const pool = new SandboxPool({ ...DEFAULT_PARSE_LIMITS, threads: 1, memoryMb: 512, timeoutMs: 600_000 });
  current.chunkInThread = pool.chunk;
  current.close = () => pool.close();
}
const baseline = values.baseline ? await loadBuild('baseline', path.join(path.resolve(repoRoot, values.baseline), 'src')) : undefined;

// ---------------------------------------------------------------------------------------------
// A generated help-center corpus: pseudo-words with a Zipf distribution, so some words are in
// most chunks and most words in few, as in real text.

let seed = 42;
function random(): number {
  // mulberry32: deterministic across runs.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const SYLLABLES = 'ba be bi bo bu ca ce co cu da de di do fa fe fi fo ga ge go ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so ta te ti to tu va ve vi vo za ze zo'.split(' ');
const VOCABULARY = Array.from({ length: 30_000 }, (_, i) => {
  let n = i + 7;
  let w = '';
  while (n > 0) {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return `${w}n`;
});
const CUMULATIVE = (() => {
  let sum = 0;
  return VOCABULARY.map((_, r) => (sum += 1 / (r + 1)));
})();
function word(): string {
  const x = random() * CUMULATIVE.at(-1)!;
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}
const words = (n: number) => Array.from({ length: n }, word).join(' ');
function sentence(): string {
  const s = words(8 + Math.floor(random() * 10));
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}
/** A document of SECTIONS_PER_DOC sections of ~100 words: one chunk each under the default budget. */
function generatedDocument(i: number): { externalId: string; title: string; url: string; content: string } {
  const sections = Array.from({ length: SECTIONS_PER_DOC }, () => `## ${words(3)}\n\n${Array.from({ length: 6 }, sentence).join(' ')}`);
  return { externalId: `gen-${i}`, title: words(4), url: `https://help.example/gen/${i}`, content: sections.join('\n\n') };
}
/** A question: a few words of a random section of a random document (as a visitor would paraphrase). */
function generatedQuestion(): string {
  return `how do I ${words(2)} ${words(2)}?`;
}

// ---------------------------------------------------------------------------------------------

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

type Throughput = { docs: number; chunks: number; bytes: number; seconds: number; lagP99Ms: number; lagMaxMs: number };

/**
 * Ingests `docs` into a new tenant: one upsertDocument each, or upsertDocuments per `batch` documents
 * (cut in an ingestion thread when `inThread`). The event loop's delay meanwhile is what a chat turn
 * served by the same process would wait for (on PGlite the database's statements count too).
 */
async function ingestThroughput(build: IngestBuild, db: Db, docs: readonly CorpusDocument[], batch: number, inThread = false): Promise<Throughput> {
  const tenantId = (await build.createTenant(db, { name: 'ingest', allowedOrigins: [] })).tenant.id;
  let chunks = 0;
  if (inThread) await warmThread(build);
  const gaps = loopGaps();
  const start = performance.now();
  if (batch === 1) {
    for (const doc of docs) chunks += (await build.upsertDocument(db, tenantId, doc)).chunks;
  } else {
    const opts = inThread ? { chunk: build.chunkInThread } : {};
    for (let first = 0; first < docs.length; first += batch) {
      for (const r of await build.upsertDocuments!(db, tenantId, docs.slice(first, first + batch), opts)) chunks += r.chunks;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const lag = gaps.stop();
  const bytes = docs.reduce((sum, doc) => sum + Buffer.byteLength(doc.title) + Buffer.byteLength(doc.content), 0);
  return { docs: docs.length, chunks, bytes, seconds, lagP99Ms: percentile(lag, 0.99), lagMaxMs: lag.at(-1) ?? 0 };
}

/**
 * The gaps between the ticks of a 10 ms timer, sorted: how long a request to the same process
 * would have waited for the event loop. (perf_hooks' monitorEventLoopDelay records nothing when the
 * loop never gets back to its timers, which is what a run that never yields looks like.)
 */
function loopGaps(): { stop(): number[] } {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      gaps.push(performance.now() - last);
      return gaps.sort((a, b) => a - b);
    },
  };
}

/** Starts the ingestion thread and loads its tables before the clock starts (a server pays this once per idle spell). */
async function warmThread(build: IngestBuild): Promise<void> {
  await (build.chunkInThread as (texts: string[], o: { maxTokens: number; overlapTokens: number }) => Promise<unknown>)(['# Warm\n\nup'], { maxTokens: 200, overlapTokens: 20 });
}

function printThroughput(label: string, r: Throughput): void {
  console.log(
    `  ${label.padEnd(80)} ${String(r.docs).padStart(6)} docs ${String(r.chunks).padStart(7)} chunks ${mb(r.bytes).padStart(7)} MB ${r.seconds.toFixed(1).padStart(7)} s  ${(r.bytes / 1e6 / r.seconds).toFixed(3)} MB/s  ${String(Math.round(r.chunks / r.seconds)).padStart(5)} chunks/s  loop gaps p99 ${Math.round(r.lagP99Ms)} ms, max ${Math.round(r.lagMaxMs)} ms`,
  );
}

/** Bulk-loads documents (one row each) and their chunks with set-based inserts: fixture data, not the ingestion path. */
async function bulkLoad(db: Db, tenantId: string, docs: number, prefix: string): Promise<void> {
  const batch = 500;
  for (let first = 0; first < docs; first += batch) {
    const ids: string[] = [];
    const titles: string[] = [];
    const chunkDoc: string[] = [];
    const chunkTitle: string[] = [];
    const ordinals: number[] = [];
    const sections: string[] = [];
    const contents: string[] = [];
    for (let i = first; i < Math.min(docs, first + batch); i++) {
      const id = `${prefix}-doc-${i}`;
      const title = words(4);
      ids.push(id);
      titles.push(title);
      for (let s = 0; s < SECTIONS_PER_DOC; s++) {
        chunkDoc.push(id);
        chunkTitle.push(title);
        ordinals.push(s);
        sections.push(words(3));
        contents.push(Array.from({ length: 6 }, sentence).join(' '));
      }
    }
    await db.query(
      `insert into documents (id, tenant_id, external_id, title, url, content, checksum)
       select id, $1, id, title, null, '', id from unnest($2::text[], $3::text[]) as d(id, title)`,
      [tenantId, ids, titles],
    );
    await db.query(
      `insert into chunks (id, tenant_id, document_id, title, ordinal, section, content)
       select d || '-' || o, $1, d, t, o, s, c from unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) as x(d, t, o, s, c)`,
      [tenantId, chunkDoc, chunkTitle, ordinals, sections, contents],
    );
  }
}

type Sample = { question: string; ms: number };
type Latency = { build: IngestBuild; samples: Sample[]; hits: number };

/**
 * Every build answers every question (the first 30 warm up); with a baseline the builds take turns
 * going first. Returns each build's samples and how many questions' passages differ between builds.
 */
async function latency(db: Db, tenantId: string): Promise<{ runs: Latency[]; differing: number }> {
  const questions = Array.from({ length: QUERIES + 30 }, generatedQuestion);
  const runs: Latency[] = [current, ...(baseline ? [baseline] : [])].map((build) => ({ build, samples: [], hits: 0 }));
  let differing = 0;
  for (const [i, question] of questions.entries()) {
    const order = i % 2 === 0 ? runs : [...runs].reverse();
    const answers = new Map<Latency, string>();
    for (const run of order) {
      const start = performance.now();
      const passages: { chunkId: string; score: number }[] = await run.build.search.searchPassages(db, tenantId, question, { limit: 5 });
      const ms = performance.now() - start;
      answers.set(run, JSON.stringify(passages.map((p) => [p.chunkId, p.score])));
      if (i < 30) continue;
      run.samples.push({ question, ms });
      run.hits += passages.length > 0 ? 1 : 0;
    }
    if (i >= 30 && new Set(answers.values()).size > 1) differing += 1;
  }
  return { runs, differing };
}

/** Median and p95 of a run's samples. */
function figures(samples: readonly Sample[]): { median: number; p95: number } {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { median: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)) };
}

/** A Db that remembers its last statement, for EXPLAIN. */
function recording(db: Db): Db & { last?: { sql: string; params: readonly unknown[] } } {
  const rec: Db & { last?: { sql: string; params: readonly unknown[] } } = {
    ...db,
    query: (sql, params, opts) => {
      rec.last = { sql, params: params ?? [] };
      return db.query(sql, params, opts);
    },
  };
  return rec;
}

type PlanNode = { 'Node Type': string; 'Actual Total Time': number; 'Actual Loops': number; Plans?: PlanNode[]; [k: string]: unknown };

/** The node's own time (its children's taken out), in ms over all its loops. */
function selfTimes(node: PlanNode, out: { label: string; ms: number }[] = []): { label: string; ms: number }[] {
  const total = (n: PlanNode) => n['Actual Total Time'] * n['Actual Loops'];
  // Approximate: a CTE Scan's time includes running its CTE (shown again under the CTE's own nodes).
  const own = total(node) - (node.Plans ?? []).reduce((sum, child) => sum + total(child), 0);
  const name = node['CTE Name'] ?? node['Relation Name'] ?? node['Index Name'] ?? node['Subplan Name'] ?? '';
  out.push({ label: `${node['Node Type']}${name ? ` ${String(name)}` : ''}`, ms: own });
  for (const child of node.Plans ?? []) selfTimes(child, out);
  return out;
}

/** EXPLAIN (ANALYZE, BUFFERS) of this build's statement for the median question and the EXPLAIN slowest. */
async function explainSlowest(db: Db, tenantId: string, samples: readonly Sample[], engine: string): Promise<void> {
  const sorted = [...samples].sort((a, b) => a.ms - b.ms);
  const picks = [sorted[Math.floor(sorted.length / 2)]!, ...sorted.slice(-EXPLAIN).reverse()];
  const rec = recording(db);
  const totals = new Map<string, number>();
  console.log(`  ${engine}: EXPLAIN (ANALYZE, BUFFERS) of this build's statement — the median question, then the ${EXPLAIN} slowest`);
  for (const [i, pick] of picks.entries()) {
    await current.search.searchPassages(rec, tenantId, pick.question, { limit: 5 });
    const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, buffers, format json) ${rec.last!.sql}`, rec.last!.params);
    const raw = row!['QUERY PLAN'];
    const [plan] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number; Planning?: { 'Shared Hit Blocks'?: number } }[];
    const nodes = selfTimes(plan!.Plan).sort((a, b) => b.ms - a.ms);
    if (i > 0) for (const n of nodes) totals.set(n.label, (totals.get(n.label) ?? 0) + n.ms);
    const top = nodes.slice(0, 4).map((n) => `${n.label} ${n.ms.toFixed(1)}`).join(', ');
    console.log(`    ${i === 0 ? 'median' : `slow ${i}`.padEnd(6)} ${pick.ms.toFixed(1).padStart(6)} ms measured; planning ${plan!['Planning Time'].toFixed(1)} ms, execution ${plan!['Execution Time'].toFixed(1)} ms; top nodes (ms): ${top}`);
  }
  const summed = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`    the ${EXPLAIN} slowest, nodes summed (ms): ${summed.map(([label, ms]) => `${label} ${ms.toFixed(1)}`).join(', ')}`);
}

async function chunkCount(db: Db, tenantId?: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`select count(*)::int as n from chunks ${tenantId ? 'where tenant_id = $1' : ''}`, tenantId ? [tenantId] : []);
  return Number(rows[0]!.n);
}

async function latencySetup(db: Db, engine: string): Promise<void> {
  const main: string = (await createTenant(db, { name: 'main', allowedOrigins: [] })).tenant.id;
  const t0 = performance.now();
  await bulkLoad(db, main, Math.ceil(CHUNKS / SECTIONS_PER_DOC), `${engine}-main`);
  console.log(`  ${engine}: bulk-loaded ${await chunkCount(db, main)} chunks in the measured tenant (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const t1 = performance.now();
  for (let t = 0; t < OTHERS; t++) {
    const other = (await createTenant(db, { name: `other ${t}`, allowedOrigins: [] })).tenant.id;
    await bulkLoad(db, other, Math.ceil(OTHER_CHUNKS / SECTIONS_PER_DOC), `${engine}-o${t}`);
  }
  await db.query('analyze');
  console.log(`  ${engine}: ${OTHERS} other tenants, ${(await chunkCount(db)) - (await chunkCount(db, main))} chunks (${((performance.now() - t1) / 1000).toFixed(1)} s); total ${await chunkCount(db)} chunks`);
  const { runs, differing } = await latency(db, main);
  const inTenant = await chunkCount(db, main);
  for (const run of runs) {
    const r = figures(run.samples);
    console.log(
      `  ${engine.padEnd(10)} ${run.build.name.padEnd(10)} lexical search, ${inTenant} chunks in tenant: median ${r.median} ms  p95 ${r.p95} ms  (${QUERIES} questions, ${((run.hits / run.samples.length) * 100).toFixed(0)}% with results)`,
    );
  }
  if (runs.length > 1) console.log(`  ${engine.padEnd(10)} questions whose passages (ids and scores) differ between the builds: ${differing} of ${QUERIES}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const plans = await db.query<{ generic: number; custom: number }>('select sum(generic_plans)::int as generic, sum(custom_plans)::int as custom from pg_prepared_statements');
  console.log(`  ${engine.padEnd(10)} prepared statements' plans in the session: ${plans[0]?.generic ?? 0} generic, ${plans[0]?.custom ?? 0} custom`);
  if (EXPLAIN > 0) await explainSlowest(db, main, runs[0]!.samples, engine);
}

// ---------------------------------------------------------------------------------------------

console.log(`retrieval bench — ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`chunks ${CHUNKS} in the measured tenant, ${OTHERS} other tenants × ${OTHER_CHUNKS} chunks, ${QUERIES} questions\n`);

const LATENCY_ONLY = values['latency-only'];
const server = values['skip-postgres'] ? undefined : await startPostgres({ database: 'bench' });
try {
  if (!LATENCY_ONLY) await ingestionSection();
  if (!values['ingest-only']) await latencySection();
} finally {
  await current.close?.();
  await server?.stop();
}

/** The corpora: FeedbackQA's two domains when present, then the generated one. */
function corpora(): { name: string; docs: CorpusDocument[] }[] {
  const out: { name: string; docs: CorpusDocument[] }[] = [];
  const evalDir = path.resolve(repoRoot, '../shared/eval/feedbackqa');
  if (!existsSync(evalDir)) console.log(`  (FeedbackQA corpora not found at ${evalDir}: skipped)`);
  for (const domain of existsSync(evalDir) ? ['UK', 'Australia'] : []) {
    const file = path.join(evalDir, domain, 'test.json');
    if (!existsSync(file)) continue;
    const data = evalFile.parseEvalFile(JSON.parse(readFileSync(file, 'utf8')));
    const docs = data.passages.map((p: any) => ({
      externalId: `passage-${p.passage_id}`,
      title: p.reference.page_title ?? 'untitled',
      url: p.uri ?? undefined,
      content: evalCli.passageMarkdown(p),
    }));
    out.push({ name: `FeedbackQA ${domain}`, docs });
  }
  out.push({ name: `generated (${INGEST_CHUNKS} chunks)`, docs: Array.from({ length: Math.ceil(INGEST_CHUNKS / SECTIONS_PER_DOC) }, (_, i) => generatedDocument(i)) });
  return out;
}

/** A fresh, migrated database of the engine; each measurement gets its own, so none pays for another's rows. */
async function freshDb(engine: 'pglite' | 'postgres', build: IngestBuild, n: number): Promise<Db> {
  if (engine === 'pglite') {
    const db: Db = await openPglite(':memory:');
    await build.migrate(db, log);
    return db;
  }
  const name = `ingest_${n}`;
  const admin: Db = openPostgres(server!.url, log);
  await admin.exec(`create database ${name}`);
  await admin.close();
  const url = new URL(server!.url);
  url.pathname = `/${name}`;
  const db: Db = openPostgres(url.toString(), log);
  await build.migrate(db, log);
  return db;
}

async function ingestionSection(): Promise<void> {
  console.log(`ingestion throughput (normal ingestion path, lexical only; PGlite in memory${server ? ', Postgres 15 on loopback' : ''}; a fresh database each row)`);
  // This build's batched rows twice: cut in this thread (as eval and the bench's baseline do) and in
  // an ingestion thread (as the API, the job worker and `prex ingest` do).
  const runs: { build: IngestBuild; batch: number; label: string; inThread?: boolean }[] = [
    ...(baseline ? [{ build: baseline, batch: 1, label: 'baseline, one document per transaction' }] : []),
    { build: current, batch: 1, label: 'one document per transaction' },
    ...BATCHES.flatMap((batch) => [
      ...(baseline ? [{ build: baseline, batch, label: `baseline, ${batch} documents per transaction` }] : []),
      { build: current, batch, label: `${batch} documents per transaction` },
      { build: current, batch, label: `${batch} documents per transaction, cut in a thread`, inThread: true },
    ]),
  ];
  let n = 0;
  let turn = 0;
  for (const corpus of corpora()) {
    for (const engine of server ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
      // The order rotates, so no configuration always runs first (or last) in the process.
      const rotated = runs.map((_, i) => runs[(i + turn) % runs.length]!);
      turn += 1;
      for (const run of rotated) {
        const db = await freshDb(engine, run.build, n++);
        try {
          printThroughput(`${corpus.name}, ${engine}, ${run.label}`, await ingestThroughput(run.build, db, corpus.docs, run.batch, run.inThread));
        } finally {
          await db.close();
        }
      }
    }
  }
}

async function latencySection(): Promise<void> {
  console.log('\nsearch latency (searchPassages, limit 5, lexical)');
  const pglite = await openPglite(':memory:');
  await migrate(pglite, log);
  try {
    await latencySetup(pglite, 'pglite');
  } finally {
    await pglite.close();
  }
  if (!server) return;
  // One connection: the questions run one at a time anyway, and pg_prepared_statements shows that session's.
  const pg: Db = openPostgres(server.url, log, undefined, 1);
  try {
    await migrate(pg, log);
    await latencySetup(pg, 'postgres');
  } finally {
    await pg.close();
  }
}
