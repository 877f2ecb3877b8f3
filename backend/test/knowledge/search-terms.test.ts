import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { deleteDocument, upsertDocument, upsertDocuments, type DocumentInput } from '../../src/knowledge/ingest.js';
import { findDocument, listChunks, listVersions } from '../../src/knowledge/repository.js';
import { searchPassages } from '../../src/knowledge/search/index.js';
import { createTenant } from '../../src/tenants/repository.js';
import { failingOn, openEngine, type Engine } from '../helpers/db.js';

interface Term {
  lexeme: string;
  df: number;
  total_len: number;
}

/** search_terms as the triggers kept it (rows counted down to zero say nothing, so they are left out). */
const storedTerms = (db: Db, tenantId: string) =>
  db.query<Term>('select lexeme, df, total_len from search_terms where tenant_id = $1 and df > 0 order by lexeme', [tenantId]);

/** search_terms as counted from scratch over the tenant's chunks (the definition in migration 004). */
const recountedTerms = (db: Db, tenantId: string) =>
  db.query<Term>(
    `select lexeme, sum(n)::bigint as df, sum(len)::bigint as total_len from (
       select u.lexeme, 1 as n, 0 as len from chunks c, unnest(tsvector_to_array(c.tsv)) as u(lexeme) where c.tenant_id = $1
       union all
       select '', 1, length(c.tsv) from chunks c where c.tenant_id = $1
     ) s group by lexeme order by lexeme`,
    [tenantId],
  );

const article = (id: string, topic: string, sections: number): DocumentInput => ({
  externalId: id,
  title: `${topic} guide`,
  url: `https://help.example/${id}`,
  content: Array.from({ length: sections }, (_, i) => `## ${topic} step ${i}\n\nTo ${topic} your account, open settings and choose ${topic} option ${i}. Refunds take ${i + 2} days.`).join('\n\n'),
});

/**
 * What a visitor's search finds, without the random chunk ids. Equal scores are ordered by chunk id
 * (random), so passages are compared by score, then text, and the limit takes every match.
 */
async function searchView(db: Db, tenantId: string, question: string) {
  const passages = await searchPassages(db, tenantId, question, { limit: 50 });
  return passages
    .map((p) => ({ externalId: p.externalId, section: p.section, content: p.content, score: p.score }))
    .sort((x, y) => y.score - x.score || x.content.localeCompare(y.content));
}

describe.each<Engine>(['pglite', 'postgres'])('search_terms and bulk ingestion on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
  });
  afterAll(() => close());
  const tenant = async (name: string) => (await createTenant(db, { name, allowedOrigins: [] })).tenant.id;

  it('stays equal to a recount through batch ingests, re-ingests, unchanged ones and deletes; another tenant is untouched', async () => {
    const a = await tenant('A');
    const b = await tenant('B');
    await upsertDocuments(db, b, [article('refunds', 'refund', 3)]);
    const bTerms = await storedTerms(db, b);

    await upsertDocuments(db, a, [article('refunds', 'refund', 3), article('billing', 'billing', 5), article('login', 'login', 2)]);
    expect(await storedTerms(db, a)).toEqual(await recountedTerms(db, a));
    // A changed document, an unchanged one and a new one in one batch; then one at a time.
    await upsertDocuments(db, a, [article('refunds', 'refund', 1), article('billing', 'billing', 5), article('export', 'export', 4)]);
    await upsertDocument(db, a, article('login', 'password', 6));
    expect(await storedTerms(db, a)).toEqual(await recountedTerms(db, a));
    expect(await deleteDocument(db, a, 'billing')).toBe(true);
    expect(await storedTerms(db, a)).toEqual(await recountedTerms(db, a));
    expect((await storedTerms(db, a)).find((t) => t.lexeme === 'bill')).toBeUndefined();

    expect(await storedTerms(db, b)).toEqual(bTerms);
    expect(bTerms).toEqual(await recountedTerms(db, b));
  });

  it('a batch leaves what the same documents ingested one at a time leave: chunks, versions, statistics, search results', async () => {
    const oneByOne = await tenant('one by one');
    const batched = await tenant('batched');
    const inputs = [
      article('refunds', 'refund', 3),
      { ...article('billing', 'billing', 4), tags: ['finance'] },
      article('login', 'login', 2),
      // The same externalId twice in one batch: the later one is version 2, as in sequence.
      article('refunds', 'refund', 5),
      { ...article('empty', 'empty', 0), content: '' },
    ];
    const sequential = [];
    for (const input of inputs) sequential.push(await upsertDocument(db, oneByOne, input));
    const together = await upsertDocuments(db, batched, inputs);
    const comparable = (r: { documentId: string }) => ({ ...r, documentId: undefined });
    expect(together.map(comparable)).toEqual(sequential.map(comparable));
    expect(together.map((r) => [r.version, r.created, r.chunks])).toEqual([
      [1, true, 3],
      [1, true, 4],
      [1, true, 2],
      [2, false, 5],
      [1, true, 0],
    ]);

    for (const id of ['refunds', 'billing', 'login', 'empty']) {
      const [x, y] = [(await findDocument(db, oneByOne, id))!, (await findDocument(db, batched, id))!];
      expect({ ...y, id: undefined, createdAt: undefined, updatedAt: undefined }).toEqual({ ...x, id: undefined, createdAt: undefined, updatedAt: undefined });
      const chunks = async (t: string, docId: string) => (await listChunks(db, t, docId)).map((c) => ({ ...c, id: undefined, documentId: undefined }));
      expect(await chunks(batched, y.id)).toEqual(await chunks(oneByOne, x.id));
      const versions = async (t: string, docId: string) => (await listVersions(db, t, docId)).map((v) => ({ ...v, createdAt: undefined }));
      expect(await versions(batched, y.id)).toEqual(await versions(oneByOne, x.id));
    }
    expect(await storedTerms(db, batched)).toEqual(await storedTerms(db, oneByOne));
    expect(await storedTerms(db, batched)).toEqual(await recountedTerms(db, batched));
    for (const question of ['how long do refunds take', 'billing option 3', 'login settings']) {
      const results = await searchView(db, batched, question);
      expect(results.length).toBeGreaterThan(0);
      expect(results).toEqual(await searchView(db, oneByOne, question));
    }
  });

  it('all or nothing: a batch that fails leaves no document, chunk or term behind', async () => {
    const t = await tenant('failing');
    await upsertDocuments(db, t, [article('kept', 'keep', 2)]);
    const before = await storedTerms(db, t);
    // The batch's last statement fails: everything before it in the transaction is rolled back.
    const failing = failingOn(db, /insert into document_versions/);
    await expect(upsertDocuments(failing, t, [article('fresh', 'fresh', 3), article('other', 'other', 2)])).rejects.toThrow(/injected failure/);
    expect(await findDocument(db, t, 'fresh')).toBeUndefined();
    expect(await storedTerms(db, t)).toEqual(before);
  });

  it('deleting a tenant removes its documents, chunks, versions and statistics', async () => {
    const t = await tenant('gone');
    await upsertDocuments(db, t, [article('a', 'alpha', 2), article('b', 'beta', 2)]);
    await db.query('delete from tenants where id = $1', [t]);
    for (const table of ['documents', 'chunks', 'document_versions', 'search_terms']) {
      expect(await db.query(`select 1 from ${table} where tenant_id = $1`, [t])).toEqual([]);
    }
  });
});
