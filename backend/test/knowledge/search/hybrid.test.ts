import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddingsServer, type EmbeddingsServer } from '@prex/testing';
import type { EmbeddingsConfig } from '../../../src/config.js';
import type { Db } from '../../../src/db/db.js';
import { upsertDocument } from '../../../src/knowledge/ingest.js';
import { configureRetrieval, createOpenAIEmbedder, embedMissingChunks, searchPassages, type Retrieval } from '../../../src/knowledge/search/index.js';
import { vectorRank } from '../../../src/knowledge/search/vector.js';
import type { Logger } from '../../../src/logger.js';
import { createTenant } from '../../../src/tenants/repository.js';
import { openEngine } from '../../helpers/db.js';

const DIMS = 32;

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), prompt: () => undefined };
}

function embeddingsConfig(server: EmbeddingsServer, over: Partial<EmbeddingsConfig> = {}): EmbeddingsConfig {
  return { apiKey: 'sk-test', baseUrl: server.baseUrl, model: 'hashed-bow', dimensions: DIMS, batchSize: 4, timeoutMs: 5000, maxRetries: 3, ...over };
}

const doc = (externalId: string, title: string, content: string) => ({ externalId, title, url: `https://help.example/${externalId}`, content });

describe('hybrid search on PGlite (pgvector) through the openai client', () => {
  let server: EmbeddingsServer;
  let db: Db;
  let close: () => Promise<void>;
  let tenant: string;
  let other: string;
  let retrieval: Retrieval;
  const log = recordingLog();

  beforeAll(async () => {
    // "reimbursement" and "money" count as "refund": a paraphrase only the vector channel can find.
    server = await startEmbeddingsServer({ dimensions: DIMS, synonyms: { reimbursement: 'refund', money: 'refund' }, failFirst: 1, apiKey: 'sk-test' });
    ({ db, close } = await openEngine('pglite'));
    retrieval = await configureRetrieval(db, createOpenAIEmbedder(embeddingsConfig(server)), log);
    expect(retrieval.vector).not.toBeNull();
    tenant = (await createTenant(db, { name: 'A', allowedOrigins: [] })).tenant.id;
    other = (await createTenant(db, { name: 'B', allowedOrigins: [] })).tenant.id;
    const index = { indexChunks: retrieval.indexChunks };
    await upsertDocument(db, tenant, doc('refunds', 'Refunds', '# Refund policy\n\nA refund is possible within 14 days of purchase.'), index);
    await upsertDocument(db, tenant, doc('shipping', 'Shipping', '# Delivery\n\nOrders ship in 2 days by courier.'), index);
    await upsertDocument(db, tenant, doc('password', 'Passwords', '# Reset\n\nReset your password from the sign-in page.'), index);
    // Another tenant with many chunks closer to the question than anything of A's.
    for (let i = 0; i < 40; i++) {
      await upsertDocument(db, other, doc(`b${i}`, `Refund ${i}`, `# Refund reimbursement\n\nRefund refund policy reimbursement ${i}.`), index);
    }
  });
  afterAll(async () => {
    await close();
    await server.close();
  });

  it('stores one embedding per chunk, batched, after a retried failure', async () => {
    const rows = await db.query<{ n: number }>('select count(*)::int as n from chunk_embeddings');
    expect(rows[0]!.n).toBe(43);
    expect(server.requests[0]!.status).toBe(500);
    expect(server.requests.filter((r) => r.status === 200).every((r) => r.inputs.length <= 4 && r.dimensions === DIMS)).toBe(true);
    expect(log.lines).toContain('info vector search on');
  });

  it('finds a paraphrase with no shared word through the vector channel', async () => {
    const hits = await retrieval.search(db, tenant, 'reimbursement');
    expect(hits[0]?.title).toBe('Refunds');
    expect(hits[0]?.url).toBe('https://help.example/refunds');
    expect(hits.every((h) => h.documentId && h.snippet)).toBe(true);
    // Lexically the same question finds nothing.
    expect(await retrieval.search(db, tenant, 'reimbursement', { channels: 'lexical' })).toEqual([]);
    // So does search without the vector channel.
    expect(await searchPassages(db, tenant, 'reimbursement')).toEqual([]);
  });

  it('fuses both channels: a chunk both rank well comes first', async () => {
    const hits = await retrieval.search(db, tenant, 'refund money');
    expect(hits[0]!.title).toBe('Refunds');
    expect(hits.length).toBeGreaterThanOrEqual(1);
  });

  it('never returns another tenant’s chunks, and keeps recall next to a bigger, closer tenant', async () => {
    const ids = await vectorRank(db, retrieval.vector!, tenant, 'refund reimbursement policy', 50);
    expect(ids).toHaveLength(3);
    const owners = await db.query<{ tenant_id: string }>('select distinct tenant_id from chunks where id = any($1::text[])', [ids]);
    expect(owners.map((o) => o.tenant_id)).toEqual([tenant]);
  });

  it('the HNSW index with the iterative scan keeps recall under the tenant filter', async () => {
    // Force the plan through the HNSW index (as for a big tenant), then compare with and without iterative scan.
    const query = server.embed('refund reimbursement policy', DIMS);
    const result = await runPlanned(db, tenant, query, 'relaxed_order');
    expect(result.plan).toContain('chunk_embeddings_hnsw_idx');
    expect(result.found).toBe(3);
    const strict = await runPlanned(db, tenant, query, 'off');
    expect(strict.found).toBeLessThan(3);
  });

  it('skips chunks already embedded by the model', async () => {
    const before = server.requests.length;
    const ids = (await db.query<{ id: string }>('select id from chunks where tenant_id = $1', [tenant])).map((r) => r.id);
    await retrieval.indexChunks(db, tenant, ids);
    expect(server.requests.length).toBe(before);
  });

  it('backfills chunks that have no embedding', async () => {
    await db.query('delete from chunk_embeddings where chunk_id in (select id from chunks where tenant_id = $1)', [tenant]);
    expect(await embedMissingChunks(db, retrieval.vector, tenant)).toBe(3);
    expect(await embedMissingChunks(db, retrieval.vector, tenant)).toBe(0);
  });

  it('falls back to lexical results when the embeddings endpoint fails', async () => {
    const broken = await openEngine('pglite');
    try {
      const brokenLog = recordingLog();
      const brokenRetrieval = await configureRetrieval(broken.db, createOpenAIEmbedder(embeddingsConfig(server, { baseUrl: 'http://127.0.0.1:9/v1', maxRetries: 0, timeoutMs: 500 })), brokenLog);
      const t = (await createTenant(broken.db, { name: 'C', allowedOrigins: [] })).tenant.id;
      await upsertDocument(broken.db, t, doc('refunds', 'Refunds', '# Refund policy\n\nA refund is possible.'));
      const hits = await brokenRetrieval.search(broken.db, t, 'refund');
      expect(hits.map((h) => h.title)).toEqual(['Refunds']);
      expect(brokenLog.lines.some((l) => l.startsWith('warn vector search failed'))).toBe(true);
    } finally {
      await broken.close();
    }
  });
});

/** Runs the tenant-filtered nearest-neighbour query with the plan forced through HNSW. */
async function runPlanned(db: Db, tenant: string, query: number[], iterative: 'off' | 'relaxed_order'): Promise<{ plan: string; found: number }> {
  const literal = `[${query.join(',')}]`;
  const sql = `select chunk_id from chunk_embeddings where tenant_id = $1 order by embedding <=> $2::vector limit 3`;
  const marker = new Error('rollback');
  let out: { plan: string; found: number } | undefined;
  await db
    .transaction(async (tx) => {
      await tx.exec(
        `set local enable_seqscan = off; set local enable_bitmapscan = off; set local hnsw.ef_search = 10; set local hnsw.iterative_scan = ${iterative}`,
      );
      // Without the primary key (tenant_id, chunk_id), the planner's only ordered path is the HNSW index.
      await tx.exec('alter table chunk_embeddings drop constraint chunk_embeddings_pkey');
      const plan = await tx.query<Record<string, string>>(`explain ${sql}`, [tenant, literal]);
      const rows = await tx.query<{ chunk_id: string }>(sql, [tenant, literal]);
      out = { plan: plan.map((r) => Object.values(r)[0]).join('\n'), found: rows.length };
      throw marker; // roll back: the index comes back
    })
    .catch((e: unknown) => {
      if (e !== marker) throw e;
    });
  return out!;
}

describe('vector channel on Postgres 15 without pgvector', () => {
  it('says so in one log line and searches lexically; indexing is a no-op', async () => {
    const server = await startEmbeddingsServer({ dimensions: DIMS });
    const { db, close } = await openEngine('postgres');
    try {
      const log = recordingLog();
      const retrieval = await configureRetrieval(db, createOpenAIEmbedder(embeddingsConfig(server)), log);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatch(/^warn vector search off: .*lexical only/);
      expect(retrieval.vector).toBeNull();
      const t = (await createTenant(db, { name: 'PG', allowedOrigins: [] })).tenant.id;
      await upsertDocument(db, t, doc('refunds', 'Refunds', '# Refund policy\n\nA refund is possible.'), { indexChunks: retrieval.indexChunks });
      expect((await retrieval.search(db, t, 'refunds')).map((h) => h.title)).toEqual(['Refunds']);
      expect(server.requests).toHaveLength(0);
    } finally {
      await close();
      await server.close();
    }
  });
});
