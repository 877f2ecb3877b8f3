import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddingsServer, type EmbeddingsServer } from '@prex/testing';
import { adminSearchResponseSchema, documentDetailResponseSchema, documentListResponseSchema, documentSummarySchema, errorBodySchema } from '@prex/protocol';
import { createAgent, resolveAgent, updateAgent } from '../../src/agents/repository.js';
import type { Db } from '../../src/db/db.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { findDocument } from '../../src/knowledge/repository.js';
import { configureRetrieval, createOpenAIEmbedder, searchPassages, type Retrieval } from '../../src/knowledge/search/index.js';
import { vectorRank } from '../../src/knowledge/search/vector.js';
import { createTenant } from '../../src/tenants/repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { openEngine, silentLog, type Engine } from '../helpers/db.js';

const PRICING = { externalId: 'pricing', title: 'Pricing', content: '# Plans\n\nThe Pro plan costs 20 dollars a month; annual billing saves 20 percent.', tags: ['sales'] };
const REFUNDS = { externalId: 'refunds', title: 'Refunds', content: '# Refunds\n\nA refund of the plan is possible within 14 days. Refunds of annual billing are prorated.', tags: ['support', 'billing'] };
const INTERNAL = { externalId: 'internal', title: 'Internal notes', content: '# Plan discounts\n\nStaff may grant a plan discount of 50 percent on annual billing.' };

const titles = (passages: ReadonlyArray<{ title: string }>) => passages.map((p) => p.title).sort();

describe.each<Engine>(['pglite', 'postgres'])('knowledge filter on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let tenant: string;
  let other: string;

  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    tenant = (await createTenant(db, { name: 'A', allowedOrigins: [] })).tenant.id;
    other = (await createTenant(db, { name: 'B', allowedOrigins: [] })).tenant.id;
    for (const doc of [PRICING, REFUNDS, INTERNAL]) await upsertDocument(db, tenant, doc);
    // The other tenant's document carries the same tag: a filter never reaches across tenants.
    await upsertDocument(db, other, { ...PRICING, title: 'Other pricing' });
  }, 60_000);
  afterAll(() => close());

  it('stores tags with the document and keeps them on a re-upload that does not mention them', async () => {
    expect((await findDocument(db, tenant, 'refunds'))!.tags).toEqual(['support', 'billing']);
    await upsertDocument(db, tenant, { externalId: 'refunds', title: REFUNDS.title, content: `${REFUNDS.content}\n\nUpdated.` });
    expect((await findDocument(db, tenant, 'refunds'))!.tags).toEqual(['support', 'billing']);
  });

  it('retags an unchanged document without a new version', async () => {
    const before = (await findDocument(db, tenant, 'internal'))!;
    const result = await upsertDocument(db, tenant, { ...INTERNAL, tags: ['staff'] });
    expect(result.unchanged).toBe(true);
    const after = (await findDocument(db, tenant, 'internal'))!;
    expect(after).toMatchObject({ tags: ['staff'], version: before.version });
    await upsertDocument(db, tenant, { ...INTERNAL, tags: [] });
    expect((await findDocument(db, tenant, 'internal'))!.tags).toEqual([]);
  });

  it('a filtered search returns only documents carrying one of the tags', async () => {
    const question = 'annual billing plan';
    expect(titles(await searchPassages(db, tenant, question))).toEqual(['Internal notes', 'Pricing', 'Refunds']);
    expect(titles(await searchPassages(db, tenant, question, { tags: ['sales'] }))).toEqual(['Pricing']);
    expect(titles(await searchPassages(db, tenant, question, { tags: ['billing', 'sales'] }))).toEqual(['Pricing', 'Refunds']);
    expect(await searchPassages(db, tenant, question, { tags: ['nobody-has-this'] })).toEqual([]);
    // An empty filter is no filter.
    expect(titles(await searchPassages(db, tenant, question, { tags: [] }))).toHaveLength(3);
    // The other tenant's 'sales' document never shows up in this tenant's filtered search.
    expect(titles(await searchPassages(db, other, question, { tags: ['sales'] }))).toEqual(['Other pricing']);
  });

  it('an agent with a knowledge filter cannot retrieve the other documents, even when asked for them by name', async () => {
    await createAgent(db, tenant, { name: 'sales', knowledgeFilter: { tags: ['sales'] } });
    const sales = await resolveAgent(db, tenant, 'sales');
    const search = (q: string) => searchPassages(db, tenant, q, { tags: sales.knowledgeFilter.tags });
    // "percent" and "plan" also occur in Pricing: whatever matches, it is never the untagged notes or refunds.
    for (const q of ['staff discount 50 percent internal notes', 'refund of the plan within 14 days', '"plan discount"']) {
      expect((await search(q)).every((p) => p.title === 'Pricing')).toBe(true);
    }
    expect(await search('refund within 14 days')).toEqual([]);
    expect(titles(await search('Pro plan price'))).toEqual(['Pricing']);
    await updateAgent(db, tenant, 'sales', { knowledgeFilter: { tags: [] } });
    const unfiltered = await resolveAgent(db, tenant, 'sales');
    expect(titles(await searchPassages(db, tenant, 'refund within 14 days', { tags: unfiltered.knowledgeFilter.tags }))).toContain('Refunds');
  });

  it('concurrent default resolution and default changes leave exactly one default, without errors', async () => {
    const fresh = (await createTenant(db, { name: 'C', allowedOrigins: [] })).tenant.id;
    const resolved = await Promise.all(Array.from({ length: 6 }, () => resolveAgent(db, fresh)));
    expect(new Set(resolved.map((a) => a.id)).size).toBe(1);
    for (const name of ['a', 'b', 'c']) await createAgent(db, fresh, { name });
    await Promise.all(['a', 'b', 'c', 'support'].map((name) => updateAgent(db, fresh, name, { isDefault: true })));
    const defaults = await db.query<{ name: string }>('select name from agents where tenant_id = $1 and is_default', [fresh]);
    expect(defaults).toHaveLength(1);
  });
});

describe('knowledge filter in the vector channel (pgvector + embeddings server)', () => {
  let server: EmbeddingsServer;
  let db: Db;
  let close: () => Promise<void>;
  let tenant: string;
  let retrieval: Retrieval;

  beforeAll(async () => {
    // "reimbursement" means "refund" to the embedder: a paraphrase only the vector channel finds.
    server = await startEmbeddingsServer({ dimensions: 32, synonyms: { reimbursement: 'refund' }, apiKey: 'sk-test' });
    ({ db, close } = await openEngine('pglite'));
    const embedder = createOpenAIEmbedder({ apiKey: 'sk-test', baseUrl: server.baseUrl, model: 'hashed-bow', dimensions: 32, batchSize: 8, timeoutMs: 5000, maxRetries: 1 });
    retrieval = await configureRetrieval(db, embedder, silentLog);
    expect(retrieval.vector).not.toBeNull();
    tenant = (await createTenant(db, { name: 'V', allowedOrigins: [] })).tenant.id;
    const index = { indexChunks: retrieval.indexChunks };
    await upsertDocument(db, tenant, REFUNDS, index);
    await upsertDocument(db, tenant, PRICING, index);
  }, 60_000);
  afterAll(async () => {
    await close();
    await server.close();
  });

  it('nearest chunks come only from tagged documents', async () => {
    const all = await vectorRank(db, retrieval.vector!, tenant, 'reimbursement', 10);
    const sales = await vectorRank(db, retrieval.vector!, tenant, 'reimbursement', 10, { tags: ['sales'] });
    const pricingChunks = await db.query<{ id: string }>(`select c.id from chunks c join documents d on d.id = c.document_id where d.external_id = 'pricing' and c.tenant_id = $1`, [tenant]);
    expect(all.length).toBeGreaterThan(sales.length);
    expect(sales.length).toBeGreaterThan(0);
    expect(sales.every((id) => pricingChunks.some((c) => c.id === id))).toBe(true);
    expect(titles(await retrieval.search(db, tenant, 'reimbursement', { tags: ['sales'] }))).not.toContain('Refunds');
    expect(titles(await retrieval.search(db, tenant, 'reimbursement', { tags: ['billing'] }))).toEqual(['Refunds']);
  });
});

describe('document tags over the admin API', () => {
  let app: TestApp;
  const auth = () => ({ authorization: `Bearer ${app.secretKey}` });
  const post = (body: unknown) => app.request('/v1/admin/documents', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    app = await startTestApp();
  }, 60_000);
  afterAll(() => app?.close());

  it('accepts tags on a JSON upload (normalised) and returns them from the document routes', async () => {
    expect((await post({ ...PRICING, tags: ['Sales', ' sales ', 'plans'] })).status).toBe(201);
    const detail = documentDetailResponseSchema.parse(await (await app.request('/v1/admin/documents/pricing', { headers: auth() })).json());
    expect(detail.document!.tags).toEqual(['sales', 'plans']);
    const list = documentListResponseSchema.parse(await (await app.request('/v1/admin/documents', { headers: auth() })).json());
    expect(list.documents.find((d) => d.externalId === 'pricing')!.tags).toEqual(['sales', 'plans']);
  });

  it('retags a stored document with PATCH (any upload path), 404 for an unknown one', async () => {
    await post(REFUNDS);
    const res = await app.request('/v1/admin/documents/refunds', { method: 'PATCH', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ tags: ['billing'] }) });
    expect(res.status).toBe(200);
    expect(documentSummarySchema.parse(await res.json()).tags).toEqual(['billing']);
    const missing = await app.request('/v1/admin/documents/nope', { method: 'PATCH', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ tags: [] }) });
    expect(missing.status).toBe(404);
  });

  it.each([
    [{ tags: ['bad tag'] }, 'tags.0'],
    [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags'],
    [{ tags: 'sales' }, 'tags'],
  ])('rejects %j with a 400 naming %s', async (patch, path) => {
    const res = await post({ ...INTERNAL, ...patch });
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.issues?.[0]?.path).toBe(path);
  });

  it('the test search can run as an agent, through its knowledge filter', async () => {
    const headers = { ...auth(), 'content-type': 'application/json' };
    await app.request('/v1/admin/agents', { method: 'POST', headers, body: JSON.stringify({ name: 'sales', knowledgeFilter: { tags: ['sales'] } }) });
    const search = async (query: string) => adminSearchResponseSchema.parse(await (await app.request(`/v1/admin/documents/search?${query}`, { headers: auth() })).json());
    expect(titles((await search('q=refund%20plan')).passages)).toEqual(['Pricing', 'Refunds']);
    expect(titles((await search('q=refund%20plan&agent=sales')).passages)).toEqual(['Pricing']);
    expect((await app.request('/v1/admin/documents/search?q=plan&agent=ghost', { headers: auth() })).status).toBe(404);
  });
});
