import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { DEFAULT_CHUNK_TOKENS } from '../../src/knowledge/chunker.js';
import { ingestFile, upsertDocument } from '../../src/knowledge/ingest.js';
import { claimNextItem, createJob, findJob, listJobItems } from '../../src/knowledge/jobs/repository.js';
import { IngestionWorker, type WorkerEvent } from '../../src/knowledge/jobs/worker.js';
import { deleteDocument, findDocument, listChunks, listVersions } from '../../src/knowledge/repository.js';
import { searchPassages } from '../../src/knowledge/search/index.js';
import { createTenant } from '../../src/tenants/repository.js';
import { makeDocx, makePdf } from '../fixtures/documents.js';
import { openEngine, silentLog, type Engine } from '../helpers/db.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** A Db whose statements matching `pattern` fail the first `times` times with a Postgres error code. */
function flakyOn(db: Db, pattern: RegExp, times: number, code = '40001'): { db: Db; state: { failures: number } } {
  const state = { failures: 0 };
  const wrap = (inner: Db): Db => ({
    engine: inner.engine,
    query: (sql, params) => {
      if (pattern.test(sql) && state.failures < times) {
        state.failures += 1;
        return Promise.reject(Object.assign(new Error('could not serialize access due to concurrent update'), { code }));
      }
      return inner.query(sql, params);
    },
    exec: (sql) => inner.exec(sql),
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    close: () => inner.close(),
  });
  return { db: wrap(db), state };
}

/** N sections, each saying `word` and the shared word "gadget". */
const versionText = (word: string, sections: number) =>
  Array.from({ length: sections }, (_, i) => `## Part ${i}\n\nThe gadget ${word} paragraph number ${i}.`).join('\n\n');

describe.each<Engine>(['pglite', 'postgres'])('ingestion on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
  });
  afterAll(() => close());
  const tenant = async () => (await createTenant(db, { name: 'T', allowedOrigins: [] })).tenant.id;

  describe('versioning', () => {
    it('keeps every version’s metadata; an unchanged checksum writes nothing', async () => {
      const t = await tenant();
      const v1 = await upsertDocument(db, t, { externalId: 'faq', title: 'FAQ', url: 'https://x.example/faq', content: '# FAQ\n\nOne.' });
      expect(v1).toMatchObject({ version: 1, created: true, unchanged: false, chunks: 1 });
      const v2 = await upsertDocument(db, t, { externalId: 'faq', title: 'FAQ v2', content: '# FAQ\n\nOne.\n\n## More\n\nTwo.' });
      expect(v2).toMatchObject({ documentId: v1.documentId, version: 2, created: false, unchanged: false, chunks: 2 });
      const before = await findDocument(db, t, 'faq');
      const same = await upsertDocument(db, t, { externalId: 'faq', title: 'FAQ v2', content: '# FAQ\n\nOne.\n\n## More\n\nTwo.' });
      expect(same).toMatchObject({ version: 2, unchanged: true, chunks: 2 });
      expect((await findDocument(db, t, 'faq'))!.updatedAt).toEqual(before!.updatedAt);

      const versions = await listVersions(db, t, v1.documentId);
      expect(versions.map((v) => [v.version, v.title, v.url, v.chunkCount, v.format])).toEqual([
        [2, 'FAQ v2', undefined, 2, 'markdown'],
        [1, 'FAQ', 'https://x.example/faq', 1, 'markdown'],
      ]);
      expect(versions[0]!.checksum).not.toBe(versions[1]!.checksum);
      expect(versions[1]!.byteSize).toBe(Buffer.byteLength('# FAQ\n\nOne.'));
      expect(versions[0]!.createdAt).toBeInstanceOf(Date);

      // A different chunk budget re-chunks the same text (it is part of the checksum).
      expect(await upsertDocument(db, t, { externalId: 'faq', title: 'FAQ v2', content: '# FAQ\n\nOne.\n\n## More\n\nTwo.' }, { maxTokens: 100 })).toMatchObject({ version: 3, unchanged: false });

      expect(await deleteDocument(db, t, 'faq')).toBe(true);
      expect(await listChunks(db, t, v1.documentId)).toEqual([]);
      expect(await listVersions(db, t, v1.documentId)).toEqual([]);
    });

    it('stores token counts within the budget and the parsed format', async () => {
      const t = await tenant();
      const long = `# Guide\n\n${Array.from({ length: 60 }, (_, i) => `Step ${i} tells you to open the settings and press the button labelled ${i}.`).join(' ')}`;
      const doc = await upsertDocument(db, t, { externalId: 'guide', title: 'Guide', content: long });
      const chunks = await listChunks(db, t, doc.documentId);
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect(c.tokens).toBeGreaterThan(0), expect(c.tokens).toBeLessThanOrEqual(DEFAULT_CHUNK_TOKENS);

      const pdf = await ingestFile(db, t, { externalId: 'manual.pdf', filename: 'manual.pdf', bytes: makePdf([['Battery care: charge to 80%.'], ['Storage: keep it dry.']], 'Manual') });
      expect(pdf).toMatchObject({ format: 'pdf', title: 'Manual', chunks: 2 });
      expect((await listChunks(db, t, pdf.documentId)).map((c) => c.section)).toEqual(['Page 1', 'Page 2']);
      expect((await findDocument(db, t, 'manual.pdf'))!.format).toBe('pdf');
    });

    it('replaces atomically: a concurrent reader sees the old or the new chunks, never a mix or none', async () => {
      const t = await tenant();
      const OLD = versionText('oldword', 3);
      const NEW = versionText('newword', 5);
      const doc = await upsertDocument(db, t, { externalId: 'flip', title: 'Flip', content: OLD });
      let writing = true;
      let searchMixes = 0;
      let searchHits = 0;
      const seen = new Set<string>();
      const reader = (async () => {
        let reads = 0;
        while (writing || reads < 5) {
          const rows = await db.query<{ content: string }>(
            `select content from chunks where tenant_id = $1 and document_id = $2 and tsv @@ to_tsquery('english', 'gadget')`,
            [t, doc.documentId],
          );
          const old = rows.filter((r) => r.content.includes('oldword')).length;
          const fresh = rows.filter((r) => r.content.includes('newword')).length;
          seen.add(`${old}/${fresh}`);
          // The search path too: one version's passages or the other's, never both.
          const passages = await searchPassages(db, t, 'gadget oldword newword paragraph', { limit: 10 });
          const kinds = new Set(passages.map((p) => (p.content.includes('oldword') ? 'old' : 'new')));
          searchMixes += kinds.size > 1 ? 1 : 0;
          searchHits += passages.length > 0 ? 1 : 0;
          reads += 1;
          await new Promise((r) => setImmediate(r));
        }
      })();
      for (let i = 0; i < 12; i++) {
        await upsertDocument(db, t, { externalId: 'flip', title: 'Flip', content: i % 2 === 0 ? NEW : OLD });
      }
      writing = false;
      await reader;
      expect([...seen].every((s) => s === '3/0' || s === '0/5')).toBe(true);
      expect(searchMixes).toBe(0);
      expect(searchHits).toBeGreaterThan(0);
      expect((await listVersions(db, t, doc.documentId)).map((v) => v.version)[0]).toBe(13);
    });
  });

  describe('jobs', () => {
    const events = (list: WorkerEvent[]) => list.map((e) => `${e.type}:${e.item.externalId}`);

    /** A Db that counts the statements matching `pattern`. */
    const counting = (inner: Db, pattern: RegExp) => {
      const state = { count: 0 };
      const wrap = (d: Db): Db => ({
        engine: d.engine,
        query: (sql, params) => {
          if (pattern.test(sql)) state.count += 1;
          return d.query(sql, params);
        },
        exec: (sql) => d.exec(sql),
        transaction: (work) => d.transaction((tx) => work(wrap(tx))),
        close: () => d.close(),
      });
      return { db: wrap(inner), state };
    };
    const smallFiles = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ externalId: `${prefix}${i}.md`, filename: `${prefix}${i}.md`, bytes: utf8(`# ${prefix} ${i}\n\nBatch text number ${i}.`) }));

    it("ingests a job's small files together: one chunks insert and one status update for the batch, each item ready with its own outcome", async () => {
      const t = await tenant();
      const counted = counting(db, /insert into chunks/);
      const marked = counting(counted.db, /set status = 'ready'/);
      const jobId = await createJob(db, t, 'api', smallFiles('b', 6));
      await new IngestionWorker(marked.db, { log: silentLog, jobId }).run();
      expect(counted.state.count).toBe(1);
      expect(marked.state.count).toBe(1);
      const items = await listJobItems(db, t, jobId);
      expect(items.map((i) => [i.externalId, i.status, i.attempts, i.version, i.chunks])).toEqual(
        Array.from({ length: 6 }, (_, i) => [`b${i}.md`, 'ready', 1, 1, 1]),
      );
      expect((await searchPassages(db, t, 'batch text number 4'))[0]).toMatchObject({ externalId: 'b4.md' });
    });

    it('when the batch transaction fails, each item is ingested on its own (one failing alone is retried alone)', async () => {
      const t = await tenant();
      // The batch's document write fails, then the first item's own write fails once more.
      const flaky = flakyOn(db, /insert into documents/, 2);
      const jobId = await createJob(db, t, 'api', smallFiles('f', 4));
      const seen: WorkerEvent[] = [];
      await new IngestionWorker(flaky.db, { log: silentLog, jobId, retryBaseMs: 5, onEvent: (e) => seen.push(e) }).run();
      expect(flaky.state.failures).toBe(2);
      const items = await listJobItems(db, t, jobId);
      expect(items.map((i) => [i.externalId, i.status, i.attempts, i.version])).toEqual([
        ['f0.md', 'ready', 2, 1],
        ['f1.md', 'ready', 1, 1],
        ['f2.md', 'ready', 1, 1],
        ['f3.md', 'ready', 1, 1],
      ]);
      expect(events(seen).filter((e) => e.startsWith('retry'))).toEqual(['retry:f0.md']);
    });

    it('a bad file fails alone with its reason; the others are indexed; nothing indexed before is lost', async () => {
      const t = await tenant();
      // Already indexed: must survive a failed re-upload of the same externalId.
      await upsertDocument(db, t, { externalId: 'manual.pdf', title: 'Manual', content: '# Manual\n\nThe old manual.' });
      const jobId = await createJob(db, t, 'api', [
        { externalId: 'a.md', filename: 'a.md', bytes: utf8('# A\n\nAlpha text.') },
        { externalId: 'manual.pdf', filename: 'manual.pdf', bytes: utf8('this is not a pdf') },
        { externalId: 'c.docx', filename: 'c.docx', bytes: makeDocx([{ heading: 1, text: 'Onboarding' }, { text: 'Welcome aboard.' }]) },
        { externalId: 'd.html', filename: 'd.html', bytes: utf8('<h1>Hours</h1><p>Open 9 to 5.</p>'), url: 'https://x.example/hours' },
      ]);
      expect((await findJob(db, t, jobId))).toMatchObject({ status: 'queued', counts: { total: 4, queued: 4 } });
      const seen: WorkerEvent[] = [];
      await new IngestionWorker(db, { log: silentLog, jobId, onEvent: (e) => seen.push(e) }).run();

      const items = await listJobItems(db, t, jobId);
      expect(items.map((i) => [i.externalId, i.status, i.attempts])).toEqual([
        ['a.md', 'ready', 1],
        ['manual.pdf', 'failed', 1],
        ['c.docx', 'ready', 1],
        ['d.html', 'ready', 1],
      ]);
      expect(items[1]!.error).toBe('"manual.pdf" is not a PDF (no %PDF- header)');
      expect(items[2]).toMatchObject({ chunks: 1, version: 1, unchanged: false });
      expect(events(seen)).toContain('failed:manual.pdf');
      expect(await findJob(db, t, jobId)).toMatchObject({ status: 'done', counts: { total: 4, ready: 3, failed: 1, queued: 0, indexing: 0 } });
      const old = await findDocument(db, t, 'manual.pdf');
      expect(old).toMatchObject({ version: 1, chunks: 1 });
      expect((await findDocument(db, t, 'd.html'))).toMatchObject({ url: 'https://x.example/hours', format: 'html' });
      // Payloads are not kept once an item is finished.
      const payloads = await db.query<{ n: number }>('select count(*) as n from ingestion_job_items where tenant_id = $1 and job_id = $2 and payload is not null', [t, jobId]);
      expect(payloads[0]!.n).toBe(0);
    });

    it('carries an item’s tags onto the document: named tags replace, none keep, an empty list clears', async () => {
      const t = await tenant();
      const run = async (items: Parameters<typeof createJob>[3]) => {
        const jobId = await createJob(db, t, 'api', items);
        await new IngestionWorker(db, { log: silentLog, jobId }).run();
        return listJobItems(db, t, jobId);
      };
      const first = await run([
        { externalId: 'plans.md', filename: 'plans.md', bytes: utf8('# Plans\n\nThe gadget plan costs 20 euros.'), tags: ['pricing', 'eu'] },
        { externalId: 'staff.md', filename: 'staff.md', bytes: utf8('# Staff\n\nStaff get the gadget plan for free.') },
      ]);
      expect(first.map((i) => [i.status, i.tags])).toEqual([
        ['ready', ['pricing', 'eu']],
        ['ready', undefined],
      ]);
      expect((await findDocument(db, t, 'plans.md'))!.tags).toEqual(['pricing', 'eu']);
      expect((await findDocument(db, t, 'staff.md'))!.tags).toEqual([]);
      const titles = async (tags?: string[]) => (await searchPassages(db, t, 'gadget plan', { tags })).map((p) => p.title).sort();
      expect(await titles()).toEqual(['Plans', 'Staff']);
      expect(await titles(['pricing'])).toEqual(['Plans']);

      // A new version without tags keeps them; unchanged bytes with tags only retag (no new version).
      await run([{ externalId: 'plans.md', filename: 'plans.md', bytes: utf8('# Plans\n\nThe gadget plan costs 25 euros.') }]);
      expect(await findDocument(db, t, 'plans.md')).toMatchObject({ version: 2, tags: ['pricing', 'eu'] });
      const [retag] = await run([{ externalId: 'plans.md', filename: 'plans.md', bytes: utf8('# Plans\n\nThe gadget plan costs 25 euros.'), tags: ['sales'] }]);
      expect(retag).toMatchObject({ unchanged: true, version: 2, tags: ['sales'] });
      expect((await findDocument(db, t, 'plans.md'))!.tags).toEqual(['sales']);
      await run([{ externalId: 'plans.md', filename: 'plans.md', bytes: utf8('# Plans\n\nThe gadget plan costs 25 euros.'), tags: [] }]);
      expect((await findDocument(db, t, 'plans.md'))!.tags).toEqual([]);
      expect(await titles(['pricing', 'sales'])).toEqual([]);
    });

    it('tags are written in the content’s transaction: a failed tag write rolls back the version, the retry writes both', async () => {
      const t = await tenant();
      const flaky = flakyOn(db, /update documents set tags/, 1);
      const jobId = await createJob(db, t, 'api', [{ externalId: 't.md', filename: 't.md', bytes: utf8('# T\n\nTagged text.'), tags: ['billing'] }]);
      await new IngestionWorker(flaky.db, { log: silentLog, jobId, retryBaseMs: 5 }).run();
      expect(flaky.state.failures).toBe(1);
      const [item] = await listJobItems(db, t, jobId);
      expect(item).toMatchObject({ status: 'ready', attempts: 2, version: 1, unchanged: false, tags: ['billing'] });
      const doc = await findDocument(db, t, 't.md');
      expect(doc).toMatchObject({ version: 1, tags: ['billing'] });
      expect(await listVersions(db, t, doc!.id)).toHaveLength(1);
    });

    it('retries a transient indexing failure with backoff, then succeeds', async () => {
      const t = await tenant();
      const calls: string[][] = [];
      const indexChunks = async (_db: Db, _tenant: string, ids: string[]) => {
        calls.push(ids);
        if (calls.length < 3) throw Object.assign(new Error('embeddings endpoint answered 503'), { status: 503 });
      };
      const jobId = await createJob(db, t, 'cli', [{ externalId: 'x.md', filename: 'x.md', bytes: utf8('# X\n\nSome text.\n\n## Y\n\nMore text.') }]);
      const seen: WorkerEvent[] = [];
      const started = Date.now();
      await new IngestionWorker(db, { log: silentLog, jobId, indexChunks, retryBaseMs: 40, onEvent: (e) => seen.push(e) }).run();
      expect(Date.now() - started).toBeGreaterThanOrEqual(40 + 80 - 10);
      expect(seen.map((e) => e.type)).toEqual(['started', 'retry', 'started', 'retry', 'started', 'ready']);
      const [item] = await listJobItems(db, t, jobId);
      expect(item).toMatchObject({ status: 'ready', attempts: 3, chunks: 2, version: 1, error: undefined });
      // Every attempt indexed the same two chunks: the retries re-indexed the committed, unchanged document.
      expect(calls).toHaveLength(3);
      expect(new Set(calls.map((c) => c.join()))).toHaveLength(1);
      expect(calls[0]).toHaveLength(2);
    });

    it('retries a serialization failure inside the write; the rolled-back attempt left nothing behind', async () => {
      const t = await tenant();
      const flaky = flakyOn(db, /insert into document_versions/, 1);
      const jobId = await createJob(db, t, 'api', [{ externalId: 'y.md', filename: 'y.md', bytes: utf8('# Y\n\nText.') }]);
      await new IngestionWorker(flaky.db, { log: silentLog, jobId, retryBaseMs: 5 }).run();
      expect(flaky.state.failures).toBe(1);
      const [item] = await listJobItems(db, t, jobId);
      expect(item).toMatchObject({ status: 'ready', attempts: 2, version: 1, unchanged: false });
      const doc = await findDocument(db, t, 'y.md');
      expect(doc).toMatchObject({ version: 1, chunks: 1 });
      expect(await listVersions(db, t, doc!.id)).toHaveLength(1);
    });

    it('gives up after maxAttempts with the last error; the chunks it wrote stay searchable', async () => {
      const t = await tenant();
      const indexChunks = async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:9');
      };
      const jobId = await createJob(db, t, 'api', [{ externalId: 'z.md', filename: 'z.md', bytes: utf8('# Z\n\nZebra facts.') }]);
      await new IngestionWorker(db, { log: silentLog, jobId, indexChunks, maxAttempts: 2, retryBaseMs: 5 }).run();
      const [item] = await listJobItems(db, t, jobId);
      expect(item).toMatchObject({ status: 'failed', attempts: 2, error: 'connect ECONNREFUSED 127.0.0.1:9 (gave up after 2 attempts)' });
      expect(await findDocument(db, t, 'z.md')).toMatchObject({ chunks: 1 });
    });

    it('two workers share one queue: each item is processed exactly once', async () => {
      const t = await tenant();
      const jobId = await createJob(
        db,
        t,
        'api',
        Array.from({ length: 8 }, (_, i) => ({ externalId: `p${i}.md`, filename: `p${i}.md`, bytes: utf8(`# Part ${i}\n\nText ${i}.`) })),
      );
      const seen: string[] = [];
      const worker = () => new IngestionWorker(db, { log: silentLog, jobId, onEvent: (e) => e.type === 'started' && seen.push(e.item.externalId) });
      await Promise.all([worker().run(), worker().run()]);
      expect(seen.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `p${i}.md`));
      const items = await listJobItems(db, t, jobId);
      expect(items.every((i) => i.status === 'ready' && i.attempts === 1 && i.version === 1)).toBe(true);
    });

    it('takes over an item whose worker died (expired lease)', async () => {
      const t = await tenant();
      const jobId = await createJob(db, t, 'api', [{ externalId: 'w.md', filename: 'w.md', bytes: utf8('# W\n\nText.') }]);
      const claimed = await claimNextItem(db, { jobId, leaseMs: 1 });
      expect(claimed?.externalId).toBe('w.md');
      expect((await listJobItems(db, t, jobId))[0]!.status).toBe('indexing');
      await new Promise((r) => setTimeout(r, 20));
      await new IngestionWorker(db, { log: silentLog, jobId }).run();
      expect((await listJobItems(db, t, jobId))[0]).toMatchObject({ status: 'ready', attempts: 2 });
    });

    it('keeps tenants apart: one tenant’s job is invisible to another', async () => {
      const [a, b] = [await tenant(), await tenant()];
      const jobId = await createJob(db, a, 'api', [{ externalId: 'k.md', bytes: utf8('# K\n\nText.'), filename: 'k.md' }]);
      expect(await findJob(db, b, jobId)).toBeUndefined();
      expect(await listJobItems(db, b, jobId)).toEqual([]);
      await new IngestionWorker(db, { log: silentLog, jobId }).run();
      expect(await findDocument(db, b, 'k.md')).toBeUndefined();
      expect(await findDocument(db, a, 'k.md')).toBeDefined();
    });
  });
});
