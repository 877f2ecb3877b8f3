// `prex ingest <dir|files...>`: puts files into a tenant's knowledge base through the same job path
// as the admin API's uploads, with a progress bar and a summary.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { ADMIN_LIMITS, ADMIN_ROUTES, tagListFieldSchema, type JobDetailResponse } from '@prex/protocol';
import { loadConfig } from '../config.js';
import type { Db } from '../db/db.js';
import { openDatabase } from '../db/open.js';
import { describeFetchFailure } from '../http/fetch-failure.js';
import { MAX_CHUNK_TOKENS, MIN_CHUNK_TOKENS } from '../knowledge/chunker.js';
import type { FileInput } from '../knowledge/ingest.js';
import { createJob, listJobItems } from '../knowledge/jobs/repository.js';
import { IngestionWorker, type WorkerEvent } from '../knowledge/jobs/worker.js';
import { SandboxPool } from '../knowledge/parse/pool.js';
import { detectFormat, unsupportedReason } from '../knowledge/parse/index.js';
import { configureRetrieval, createOpenAIEmbedder } from '../knowledge/search/index.js';
import { createLogger } from '../logger.js';
import { LISTINGS } from './listings.js';
import { findTenant } from './database.js';

interface IngestCliOptions {
  tenant?: string;
  api?: string;
  chunkTokens?: number;
  /** Normalised; undefined = no --tags (stored tags are kept). */
  tags?: string[];
  progress: boolean;
}

/** One file found on disk, with the externalId it is stored under. */
export interface FoundFile {
  file: string;
  externalId: string;
}

export interface IngestSummary {
  documents: number;
  indexed: number;
  chunks: number;
  unchanged: number;
  failures: { externalId: string; reason: string }[];
  /** Files in directories skipped because their type is not supported. */
  skippedUnsupported: number;
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description(LISTINGS.ingest.description)
    .argument('<paths...>', 'files and/or directories')
    .option('--tenant <id-or-key>', 'tenant id (ten_…) or publishable key (pk_…); required without --api')
    .option('--api <url>', 'base URL of a Prex server (e.g. https://prex.example.com); needs PREX_SECRET_KEY')
    .option('--chunk-tokens <n>', `chunk budget in tokens (${MIN_CHUNK_TOKENS}-${MAX_CHUNK_TOKENS}; direct mode only; default: ingestion default)`, chunkTokens)
    .option('--tags <list>', 'tags for every document, comma-separated or repeated (agents’ knowledge filters); an empty list clears them; without it stored tags are kept', tagList)
    .option('--no-progress', 'no progress bar: one line per document')
    .action(async (paths: string[], options: IngestCliOptions) => {
      const summary = options.api ? await ingestViaApi(paths, options) : await ingestDirect(paths, options);
      printSummary(summary);
      if (summary.failures.length > 0) process.exitCode = 1;
    });
}

function chunkTokens(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_CHUNK_TOKENS || n > MAX_CHUNK_TOKENS) {
    throw new InvalidArgumentError(`must be an integer between ${MIN_CHUNK_TOKENS} and ${MAX_CHUNK_TOKENS}`);
  }
  return n;
}

/** `--tags a,b --tags c`: validated like the admin API's tags (zod), accumulated over repeats. */
function tagList(value: string, previous: string[] | undefined): string[] {
  const result = tagListFieldSchema.safeParse([...(previous ?? []), value]);
  if (!result.success) throw new InvalidArgumentError(result.error.issues.map((i) => i.message).join('; '));
  return result.data;
}

/** The files to ingest: named files as they are, directories walked (hidden entries skipped). */
export async function findFiles(paths: string[]): Promise<{ files: FoundFile[]; skippedUnsupported: number; unsupported: FoundFile[] }> {
  const files: FoundFile[] = [];
  const unsupported: FoundFile[] = [];
  let skippedUnsupported = 0;
  for (const given of paths) {
    const info = await stat(given).catch(() => undefined);
    if (!info) throw new Error(`${given}: no such file or directory`);
    if (info.isDirectory()) {
      for (const file of await walk(given)) {
        if (detectFormat({ filename: file })) files.push({ file, externalId: path.relative(given, file).split(path.sep).join('/') });
        else skippedUnsupported += 1;
      }
    } else {
      const found = { file: given, externalId: path.basename(given) };
      (detectFormat({ filename: given }) ? files : unsupported).push(found);
    }
  }
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.externalId);
    if (other) throw new Error(`${other} and ${f.file} would both be stored as "${f.externalId}": ingest them in separate runs`);
    seen.set(f.externalId, f.file);
  }
  return { files, skippedUnsupported, unsupported };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** A progress bar on a terminal, one line per document otherwise. */
function progressReporter(total: number, enabled: boolean) {
  const bar = enabled && process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'ingesting [{bar}] {value}/{total} {name}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  let done = 0;
  bar?.start(total, 0, { name: '' });
  return {
    /** What is being worked on: shown in the bar; printed only when it says more than a name (a retry). */
    line(text: string, plain = false) {
      if (bar) bar.update(done, { name: text.slice(0, 60) });
      else if (plain) console.log(text);
    },
    finished(text: string) {
      done += 1;
      if (bar) bar.update(done, { name: text.slice(0, 60) });
      else console.log(`[${done}/${total}] ${text}`);
    },
    stop() {
      bar?.stop();
    },
  };
}

async function ingestDirect(paths: string[], options: IngestCliOptions): Promise<IngestSummary> {
  if (!options.tenant) throw new Error('--tenant is required (a tenant id ten_… or publishable key pk_…), or use --api with PREX_SECRET_KEY');
  const { files, skippedUnsupported, unsupported } = await findFiles(paths);
  const config = loadConfig(process.env);
  // Quiet unless asked: migrations and "database ready" lines would drown the progress.
  const log = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn');
  const db = await openDatabase(config.database, log);
  try {
    const retrieval = await configureRetrieval(db, config.embeddings ? createOpenAIEmbedder(config.embeddings) : null, log);
    const tenant = await findTenant(db, options.tenant);
    const items: FileInput[] = [];
    for (const f of files) items.push({ externalId: f.externalId, filename: f.externalId, bytes: await readFile(f.file), tags: options.tags });
    const summary = emptySummary(skippedUnsupported, unsupported);
    if (items.length === 0) return summary;
    const jobId = await createJob(db, tenant.id, 'cli', items);
    console.log(`Ingesting ${items.length} document(s) into tenant ${tenant.id} (${tenant.name}), job ${jobId}${tagsNote(options.tags)}`);
    const progress = progressReporter(items.length, options.progress);
    // The same limits as the server's uploads: a hostile file fails alone, the run goes on.
    const sandbox = new SandboxPool(config.ingestion);
    const worker = new IngestionWorker(db, {
      log,
      jobId,
      indexChunks: retrieval.indexChunks,
      parse: sandbox.parse,
      chunk: sandbox.chunk,
      chunking: options.chunkTokens ? { maxTokens: options.chunkTokens } : undefined,
      onEvent: (e: WorkerEvent) => {
        if (e.type === 'started') progress.line(e.item.externalId);
        else if (e.type === 'ready') progress.finished(`${e.item.externalId}: ${e.result.unchanged ? 'unchanged' : `${e.result.chunks} chunks (version ${e.result.version})`}`);
        else if (e.type === 'failed') progress.finished(`${e.item.externalId}: failed: ${e.error}`);
        else progress.line(`${e.item.externalId}: retrying in ${e.delayMs} ms: ${e.error}`, true);
      },
    });
    try {
      await worker.run();
    } finally {
      progress.stop();
      await sandbox.close();
    }
    for (const item of await listJobItems(db, tenant.id, jobId)) {
      addItem(summary, { externalId: item.externalId, status: item.status, chunks: item.chunks, unchanged: item.unchanged, error: item.error });
    }
    return summary;
  } finally {
    await db.close();
  }
}

function tagsNote(tags: string[] | undefined): string {
  if (!tags) return '';
  return tags.length > 0 ? ` with tags ${tags.join(', ')}` : ' clearing their tags';
}

function emptySummary(skippedUnsupported: number, unsupported: FoundFile[]): IngestSummary {
  return {
    documents: unsupported.length,
    indexed: 0,
    chunks: 0,
    unchanged: 0,
    failures: unsupported.map((f) => ({ externalId: f.externalId, reason: unsupportedReason({ filename: f.file }) })),
    skippedUnsupported,
  };
}

function addItem(summary: IngestSummary, item: { externalId: string; status: string; chunks?: number | undefined; unchanged?: boolean | undefined; error?: string | undefined }) {
  summary.documents += 1;
  if (item.status === 'ready') {
    if (item.unchanged) summary.unchanged += 1;
    else {
      summary.indexed += 1;
      summary.chunks += item.chunks ?? 0;
    }
  } else {
    summary.failures.push({ externalId: item.externalId, reason: item.error ?? `not finished (${item.status})` });
  }
}

/** Files per upload request in --api mode, and bytes per request (well under the server's limits). */
const API_BATCH_FILES = Math.min(50, ADMIN_LIMITS.maxFiles);
const API_BATCH_BYTES = 32 * 1024 * 1024;
const API_POLL_MS = 300;

async function ingestViaApi(paths: string[], options: IngestCliOptions): Promise<IngestSummary> {
  const secret = process.env.PREX_SECRET_KEY;
  if (!secret) throw new Error('--api needs the tenant’s secret key in the PREX_SECRET_KEY environment variable');
  if (options.chunkTokens) throw new Error('--chunk-tokens applies to direct database mode only (the server uses its own budget)');
  if (options.tenant) console.log('note: --tenant is ignored with --api: the secret key decides the tenant');
  const base = options.api!.replace(/\/+$/, '');
  if (!/^https?:\/\//.test(base)) throw new Error(`--api must be an http(s) URL, got ${options.api}`);
  const { files, skippedUnsupported, unsupported } = await findFiles(paths);
  const summary = emptySummary(skippedUnsupported, unsupported);
  const tooBig: FoundFile[] = [];
  const batches: { file: FoundFile; bytes: Buffer }[][] = [[]];
  let batchBytes = 0;
  for (const f of files) {
    const bytes = await readFile(f.file);
    if (bytes.byteLength > ADMIN_LIMITS.maxFileBytes) {
      tooBig.push(f);
      continue;
    }
    if (batches.at(-1)!.length >= API_BATCH_FILES || (batchBytes + bytes.byteLength > API_BATCH_BYTES && batches.at(-1)!.length > 0)) {
      batches.push([]);
      batchBytes = 0;
    }
    batches.at(-1)!.push({ file: f, bytes });
    batchBytes += bytes.byteLength;
  }
  for (const f of tooBig) {
    summary.documents += 1;
    summary.failures.push({ externalId: f.externalId, reason: `larger than the server's limit of ${ADMIN_LIMITS.maxFileBytes} bytes` });
  }
  const total = batches.reduce((n, b) => n + b.length, 0);
  if (total === 0) return summary;
  console.log(`Uploading ${total} document(s) to ${base}${tagsNote(options.tags)}`);
  const progress = progressReporter(total, options.progress);
  const headers = { authorization: `Bearer ${secret}` };
  const jobIds: string[] = [];
  try {
    for (const batch of batches) {
      if (batch.length === 0) continue;
      const form = new FormData();
      // One field for every file in the batch; an empty list goes as an empty field, which clears tags.
      if (options.tags) form.append('tags', options.tags.join(','));
      for (const { file, bytes } of batch) form.append('files', new Blob([bytes]), file.externalId);
      const res = await fetchOrExplain(`${base}${ADMIN_ROUTES.documents}`, { method: 'POST', headers, body: form });
      if (res.status !== 202) throw new Error(`upload failed: ${res.status} ${await errorText(res)}`);
      jobIds.push(((await res.json()) as JobDetailResponse).jobId);
    }
    const reported = new Set<string>();
    const final: JobDetailResponse[] = [];
    for (const jobId of jobIds) {
      for (;;) {
        const res = await fetchOrExplain(`${base}${ADMIN_ROUTES.job.replace(':jobId', encodeURIComponent(jobId))}`, { headers });
        if (res.status !== 200) throw new Error(`job ${jobId}: ${res.status} ${await errorText(res)}`);
        const job = (await res.json()) as JobDetailResponse;
        for (const item of job.items) {
          if ((item.status === 'ready' || item.status === 'failed') && !reported.has(item.itemId)) {
            reported.add(item.itemId);
            progress.finished(`${item.externalId}: ${item.status === 'failed' ? `failed: ${item.error}` : item.unchanged ? 'unchanged' : `${item.chunks} chunks (version ${item.version})`}`);
          }
        }
        if (job.status === 'done') {
          final.push(job);
          break;
        }
        await new Promise((r) => setTimeout(r, API_POLL_MS));
      }
    }
    for (const job of final) for (const item of job.items) addItem(summary, item);
  } finally {
    progress.stop();
  }
  return summary;
}

/** fetch, whose network failure names the URL and the reason ("connection refused to …"). */
async function fetchOrExplain(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new Error(describeFetchFailure(url, error));
  }
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
  } catch {
    return text;
  }
}

export function printSummary(s: IngestSummary): void {
  console.log('');
  console.log(`documents: ${s.documents}`);
  console.log(`indexed: ${s.indexed}`);
  console.log(`chunks: ${s.chunks}`);
  console.log(`skipped unchanged: ${s.unchanged}`);
  if (s.skippedUnsupported > 0) console.log(`skipped unsupported files in directories: ${s.skippedUnsupported}`);
  console.log(`failures: ${s.failures.length}`);
  for (const f of s.failures) console.log(`  ${f.externalId}: ${f.reason}`);
}
