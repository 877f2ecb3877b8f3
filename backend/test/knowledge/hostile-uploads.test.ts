import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_LIMITS, documentDetailResponseSchema, jobDetailResponseSchema, ROUTES, type JobDetailResponse } from '@prex/protocol';
import { makeTenant, readJson } from '../helpers/app.js';
import { newVisitor, readSse, send, startChatTestServer, textOf, type ChatTestServer } from '../helpers/chat.js';
import { makeDocx } from '../fixtures/documents.js';
import { deepHtml, longText, manyPagesPdf, wideHtml, zipBombDocx } from '../fixtures/hostile.js';

/**
 * Issue 15: one tenant's hostile upload (a 1.16 MB DOCX inflating to 400 MB) took the whole backend
 * down. Here one tenant uploads a batch of hostile files among good ones, on the real server, while
 * another tenant's visitors chat: each hostile file fails alone with its reason, the good ones are
 * indexed, and the other tenant is answered throughout.
 */

let server: ChatTestServer;
let uploaderSecret: string;
beforeAll(async () => {
  // A 192 MB heap for the parsing thread: enough for real files (PDF.js included), and an
  // ordinary-but-huge HTML page exhausts it.
  server = await startChatTestServer({ PREX_INGEST_MEMORY_MB: '192' });
  uploaderSecret = (await makeTenant(server.server.db, 'Uploader')).secretKey;
});
afterAll(() => server?.close());

function admin(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${uploaderSecret}`);
  return fetch(`${server.url}/v1/admin${path}`, { ...init, headers });
}

function upload(files: Array<[name: string, bytes: Uint8Array | string]>): Promise<Response> {
  const form = new FormData();
  for (const [name, bytes] of files) form.append('files', new Blob([bytes]), name);
  return admin('/documents', { method: 'POST', body: form });
}

async function jobOf(jobId: string): Promise<JobDetailResponse> {
  return jobDetailResponseSchema.parse(await readJson(await admin(`/jobs/${jobId}`)));
}

/** Polls the job status route until the job is done (a bound against hanging, not a timing claim). */
async function waitForJob(jobId: string): Promise<JobDetailResponse> {
  for (let i = 0; i < 1200; i++) {
    const job = await jobOf(jobId);
    if (job.status === 'done') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** A visitor of the other tenant asks and gets a whole answer from its own knowledge base. */
async function bystanderIsAnswered(): Promise<void> {
  const visitor = await newVisitor(server);
  const read = await readSse(await send(visitor, { text: 'How do I get a refund?' }));
  expect(read.done).toBe(true);
  expect(read.chunks.some(({ chunk }) => chunk.type === 'error')).toBe(false);
  expect(textOf(read.chunks)).toMatch(/refund/i);
}

describe('hostile uploads', () => {
  it('each hostile file fails alone with its reason; good files in the same job are indexed; other tenants are answered meanwhile', async () => {
    const bomb = zipBombDocx({ inflatedMb: 400 });
    const big = wideHtml(300_000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(big.length).toBeLessThan(ADMIN_LIMITS.maxFileBytes);

    const res = await upload([
      ['returns.md', '# Returns\n\nReturn any item within 30 days for a full refund of the price.'],
      ['bomb.docx', bomb],
      ['liar.docx', zipBombDocx({ inflatedMb: 400, declaredMb: 0.01 })],
      ['deep.html', deepHtml(100_000)],
      ['huge.txt', longText(2_000_001)],
      ['manual.pdf', manyPagesPdf(2_001)],
      ['big.html', big],
      ['handbook.docx', makeDocx([{ heading: 1, text: 'Handbook' }, { text: 'Every employee gets 25 days of paid leave.' }])],
    ]);
    expect(res.status).toBe(202);
    const { jobId } = jobDetailResponseSchema.parse(await readJson(res));

    // While the job runs (it may or may not have finished by then: only the outcome is asserted).
    await bystanderIsAnswered();
    expect((await fetch(`${server.url}${ROUTES.health}`)).status).toBe(200);

    const job = await waitForJob(jobId);
    expect(job.counts).toEqual({ total: 8, queued: 0, indexing: 0, ready: 2, failed: 6 });
    const byId = Object.fromEntries(job.items.map((i) => [i.externalId, i]));
    expect(byId['returns.md']).toMatchObject({ status: 'ready', chunks: 1 });
    expect(byId['handbook.docx']).toMatchObject({ status: 'ready', chunks: 1 });
    // A limit is not worth retrying: each fails on its first attempt, with what to fix.
    const failed = (id: string) => {
      expect(byId[id]).toMatchObject({ status: 'failed', attempts: 1 });
      return byId[id]!.error;
    };
    expect(failed('bomb.docx')).toBe('"bomb.docx" declares 400 MB once unpacked, over the 100 MB limit for a DOCX: refused as a possible zip bomb');
    expect(failed('liar.docx')).toBe('"liar.docx" is refused as a possible zip bomb: "word/document.xml" declares 10,485 bytes but inflates to more');
    expect(failed('deep.html')).toBe('"deep.html" nests HTML elements more than 512 levels deep (the limit; browsers stop nesting there too)');
    expect(failed('huge.txt')).toBe('"huge.txt" has more than 2,000,000 characters of text (the limit per document): split it into several documents');
    expect(failed('manual.pdf')).toBe('"manual.pdf" has 2,001 pages, over the limit of 2,000: split it into several documents');
    expect(failed('big.html')).toBe('"big.html" needed more than 192 MB of memory to parse (the limit per file) and was stopped');

    // The reason is on the document's status too; the good ones are searchable.
    const detail = documentDetailResponseSchema.parse(await readJson(await admin('/documents/bomb.docx')));
    expect(detail).toMatchObject({ status: 'failed', error: expect.stringContaining('zip bomb'), versions: [] });
    const search = await readJson(await admin('/documents/search?q=paid+leave'));
    expect(search.passages[0]).toMatchObject({ title: 'Handbook' });

    // The process that parsed all of it still serves everyone.
    await bystanderIsAnswered();
  });

  it('a JSON document over a limit is a 400 naming the limit, and the server goes on', async () => {
    const res = await admin('/documents', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: 'deep', title: 'Deep', format: 'html', content: deepHtml(5_000) }),
    });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toBe('Invalid document: the document nests HTML elements more than 512 levels deep (the limit; browsers stop nesting there too)');
    await bystanderIsAnswered();
  });
});
