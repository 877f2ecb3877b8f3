import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { jobDetailResponseSchema, type JobDetailResponse } from '@prex/protocol';
import type { MarkdownChunker } from '../../src/knowledge/chunker.js';
import { ingestFile, upsertDocuments } from '../../src/knowledge/ingest.js';
import { SandboxPool } from '../../src/knowledge/parse/pool.js';
import { DEFAULT_PARSE_LIMITS } from '../../src/knowledge/parse/index.js';
import { findDocument, listChunks } from '../../src/knowledge/repository.js';
import { makeTenant, readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { newVisitor, readSse, send, startChatTestServer, textOf, type ChatTestServer } from '../helpers/chat.js';
import { makeDocx, makePdf } from '../fixtures/documents.js';

/**
 * Issue 18: parsing and chunking (PDF.js, Readability, cl100k BPE) run in the ingestion threads, not
 * on the event loop that answers every tenant's chats. An upload ends up with the same chunks as if
 * it had been cut here, and a chat turn is answered while a large ingestion is being cut.
 */

let server: ChatTestServer | undefined;
afterAll(() => server?.close());

/** Whether this thread has loaded the chunker's cl100k tables (the BPE the chunker counts with). */
function cl100kLoadedHere(): boolean {
  const cache = createRequire(import.meta.url).cache;
  return Object.keys(cache).some((file) => /gpt-tokenizer[\\/].*encoding[\\/]cl100k_base/.test(file));
}

async function waitForJob(app: TestApp, jobId: string): Promise<JobDetailResponse> {
  for (let i = 0; i < 1200; i++) {
    const res = await fetch(`${app.url}/v1/admin/jobs/${jobId}`, { headers: { Authorization: `Bearer ${app.secretKey}` } });
    const job = jobDetailResponseSchema.parse(await readJson(res));
    if (job.status === 'done') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

const FILES: Array<[name: string, bytes: Uint8Array]> = [
  ['guides/returns.md', new TextEncoder().encode(`# Returns\n\n${'Return any item within 30 days for a full refund. '.repeat(60)}\n\n## Damaged items\n\nSend us a photo and we replace it.`)],
  ['warranty.pdf', makePdf([['Every device has a two year warranty.'], ['Repairs are free within the warranty.']], 'Warranty')],
  ['handbook.docx', makeDocx([{ heading: 1, text: 'Handbook' }, { heading: 2, text: 'Holidays' }, { text: 'You get 25 days of leave. '.repeat(80) }])],
];

describe('ingestion threads', () => {
  it('an upload is parsed and cut in the ingestion thread into the same chunks this thread would cut', async () => {
    // A server that has ingested nothing yet: nothing in this process has cut a text so far.
    const app = await startTestApp();
    try {
      await uploadAndCompare(app);
    } finally {
      await app.close();
    }
  });

  it('a chat turn is answered while a large ingestion waits for the ingestion thread\'s chunks', async () => {
    server = await startChatTestServer();
    const pool = new SandboxPool({ ...DEFAULT_PARSE_LIMITS, threads: 1, memoryMb: 512, timeoutMs: 600_000 });
    try {
      // The thread's chunks are held until the turn has been answered. Deterministic, and it fails
      // (the turn never completes) if an ingestion awaiting its chunks held anything a turn needs:
      // on PGlite, a transaction left open while the thread cuts would stop every tenant's statements.
      // (That the cutting itself is not on this thread is the first test's: the BPE never loads here.)
      let turnAnswered!: () => void;
      const answered = new Promise<void>((resolve) => (turnAnswered = resolve));
      let chunksBack = false;
      const chunk: MarkdownChunker = async (texts, options) => {
        const chunks = await pool.chunk(texts, options);
        await answered;
        chunksBack = true;
        return chunks;
      };
      const docs = Array.from({ length: 30 }, (_, i) => ({
        externalId: `manual-${i}`,
        title: `Manual ${i}`,
        content: Array.from({ length: 200 }, (_, s) => `## Part ${s}\n\n${`Device ${i} part ${s} needs a charge every night before use. `.repeat(16)}`).join('\n\n'),
      }));
      const { tenant } = await makeTenant(server!.server.db, 'Bulk');
      const ingesting = upsertDocuments(server!.server.db, tenant.id, docs, { chunk });

      const visitor = await newVisitor(server!);
      const read = await readSse(await send(visitor, { text: 'How do I get a refund?' }));
      expect(read.done).toBe(true);
      expect(textOf(read.chunks)).toMatch(/refund/i);
      expect(chunksBack).toBe(false);
      turnAnswered();

      const results = await ingesting;
      expect(chunksBack).toBe(true);
      expect(results.every((r) => r.created && r.chunks >= 200)).toBe(true);
    } finally {
      await pool.close();
    }
  });
});

/** Uploads FILES to `app`, then ingests them again in this thread as another tenant: the chunks must be equal. */
async function uploadAndCompare(app: TestApp): Promise<void> {
  const form = new FormData();
  for (const [name, bytes] of FILES) form.append('files', new Blob([bytes]), name);
  const res = await fetch(`${app.url}/v1/admin/documents`, { method: 'POST', headers: { Authorization: `Bearer ${app.secretKey}` }, body: form });
  expect(res.status).toBe(202);
  const job = await waitForJob(app, jobDetailResponseSchema.parse(await readJson(res)).jobId);
  expect(job.items.map((i) => i.status)).toEqual(['ready', 'ready', 'ready']);
  // The whole job was cut into chunks without the BPE tables ever loading on this thread.
  expect(cl100kLoadedHere()).toBe(false);

  // The same files through the in-thread path (parseDocument and chunkMarkdown here), as another tenant.
  const { db } = app;
  const { tenant: here } = await makeTenant(db, 'Cut here');
  const shape = (chunks: Awaited<ReturnType<typeof listChunks>>) => chunks.map(({ ordinal, section, content, tokens }) => ({ ordinal, section, content, tokens }));
  for (const [name, bytes] of FILES) {
    await ingestFile(db, here.id, { externalId: name, filename: name, bytes });
    const threaded = await listChunks(db, app.tenant.id, (await findDocument(db, app.tenant.id, name))!.id);
    const local = await listChunks(db, here.id, (await findDocument(db, here.id, name))!.id);
    expect(threaded.length).toBeGreaterThan(0);
    expect(shape(threaded)).toEqual(shape(local));
  }
  expect(cl100kLoadedHere()).toBe(true);
}
