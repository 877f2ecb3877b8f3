import type { Db } from '../../db/db.js';
import type { Logger } from '../../logger.js';
import type { Embedder } from '../../model/embeddings.js';
import { tagsParam, type DocumentFilter } from './lexical.js';

/**
 * The vector channel: chunk embeddings from an OpenAI-compatible `/embeddings` endpoint, stored
 * with pgvector in `chunk_embeddings` (HNSW, cosine), searched per tenant.
 *
 * It exists only where both hold: an embeddings model is configured and the database has the
 * `vector` extension (PGlite always does; a Postgres server when pgvector is installed, as on
 * Supabase). openVectorChannel() checks both once, at start-up, and creates the table; it returns
 * the channel, which the composition root hands on (search/index.ts's Retrieval): nothing here
 * remembers it. Otherwise it returns null, search is lexical only and one log line says why.
 *
 * Tenant filtering: HNSW finds the nearest vectors of all tenants and the tenant filter applies
 * after, which would starve a small tenant next to a big one. pgvector's iterative index scan
 * (`hnsw.iterative_scan = relaxed_order`, pgvector ≥ 0.8) keeps scanning the graph until enough
 * rows pass the filter; the outer ORDER BY restores exact order among them.
 */

/** The vector channel of the database it was opened on: the embedder, and the log its search-time failures go to. */
export interface VectorChannel {
  readonly embedder: Embedder;
  readonly log: Logger;
}

/** Lock key for the one-time vector setup on a shared server. */
const VECTOR_SETUP_LOCK = 7_238_401_114;

/**
 * Enables the vector channel on `db` when embeddings are configured and the `vector` extension is
 * available: creates the extension, the `chunk_embeddings` table (dimension from config) and its
 * HNSW index, idempotently, and returns the channel. Otherwise returns null (search stays lexical)
 * and, when embeddings are configured, logs one line saying why.
 */
export async function openVectorChannel(db: Db, embedder: Embedder | null, log: Logger): Promise<VectorChannel | null> {
  if (!embedder) return null;
  const available = await db.query(`select 1 from pg_available_extensions where name = 'vector'`);
  if (available.length === 0) {
    log.warn('vector search off: the database has no "vector" extension (pgvector); retrieval is lexical only', { engine: db.engine });
    return null;
  }
  await db.transaction(async (tx) => {
    if (tx.engine === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [VECTOR_SETUP_LOCK]);
    await tx.exec('create extension if not exists vector');
    const existing = await tx.query<{ dims: number }>(
      `select a.atttypmod as dims from pg_attribute a
       where a.attrelid = to_regclass('chunk_embeddings') and a.attname = 'embedding'`,
    );
    if (existing[0] && Number(existing[0].dims) !== embedder.dimensions) {
      log.warn('embedding dimensions changed: stored embeddings dropped, chunks are re-embedded as they are indexed', {
        was: existing[0].dims,
        now: embedder.dimensions,
      });
      await tx.exec('drop table chunk_embeddings');
    }
    await tx.exec(`
      create table if not exists chunk_embeddings (
        tenant_id text not null,
        chunk_id text not null,
        model text not null,
        embedding vector(${Math.floor(embedder.dimensions)}) not null,
        -- tenant_id in every key (migrations/025_tenant_keys.sql); the key is also the tenant's index.
        primary key (tenant_id, chunk_id),
        foreign key (tenant_id, chunk_id) references chunks (tenant_id, id) on delete cascade
      );
      create index if not exists chunk_embeddings_hnsw_idx on chunk_embeddings using hnsw (embedding vector_cosine_ops);
      select prex_protect_table('chunk_embeddings'); -- row-level security like every table (migrations/014)`);
  });
  log.info('vector search on', { model: embedder.model, dimensions: embedder.dimensions, engine: db.engine });
  return { embedder, log };
}

/** pgvector's text input format. */
export function vectorLiteral(v: readonly number[]): string {
  return `[${v.map((x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;
}

/** What a chunk's embedding is computed from: where it sits, then what it says. */
function embeddingText(c: { title: string; section: string | null; content: string }): string {
  return [c.title, c.section, c.content].filter(Boolean).join('\n');
}

/**
 * The hook for ingestion: embeds and stores the given chunks of a tenant, skipping those already
 * embedded by the current model (idempotent). A no-op when the vector channel is off (null). Call it with the root Db after the
 * chunks are committed (not with a transaction handle: embedding is a network call). Unknown ids,
 * other tenants' ids and chunks deleted meanwhile are skipped. Throws when the endpoint fails
 * after its retries; the chunks stay searchable lexically (embedMissingChunks catches up later).
 */
export async function indexChunkEmbeddings(db: Db, vector: VectorChannel | null, tenantId: string, chunkIds: readonly string[]): Promise<void> {
  if (!vector || chunkIds.length === 0) return;
  const step = 512;
  for (let i = 0; i < chunkIds.length; i += step) {
    // A chunk id's text never changes (re-ingestion writes new chunks), so one already embedded by
    // this model is skipped: retried ingestion does not pay for embeddings twice.
    const rows = await db.query<{ id: string; title: string; section: string | null; content: string }>(
      `select c.id, c.title, c.section, c.content from chunks c
       left join chunk_embeddings e on e.tenant_id = c.tenant_id and e.chunk_id = c.id and e.model = $3
       where c.tenant_id = $1 and c.id = any($2::text[]) and e.chunk_id is null
       order by c.id`,
      [tenantId, chunkIds.slice(i, i + step), vector.embedder.model],
    );
    if (rows.length === 0) continue;
    const vectors = await vector.embedder.embed(rows.map(embeddingText));
    await db.query(
      `insert into chunk_embeddings (chunk_id, tenant_id, model, embedding)
       select c.id, c.tenant_id, $3, e.v::vector
       from unnest($2::text[], $4::text[]) as e(id, v)
       join chunks c on c.id = e.id and c.tenant_id = $1
       on conflict (tenant_id, chunk_id) do update set model = excluded.model, embedding = excluded.embedding`,
      [tenantId, rows.map((r) => r.id), vector.embedder.model, vectors.map(vectorLiteral)],
    );
  }
}

/**
 * Embeds a tenant's chunks that have no embedding from the current model (backfill after the
 * model changed or the endpoint was down). Returns how many were embedded.
 */
export async function embedMissingChunks(db: Db, vector: VectorChannel | null, tenantId: string, batch = 256): Promise<number> {
  if (!vector) return 0;
  let done = 0;
  for (;;) {
    const rows = await db.query<{ id: string }>(
      `select c.id from chunks c
       left join chunk_embeddings e on e.tenant_id = c.tenant_id and e.chunk_id = c.id and e.model = $2
       where c.tenant_id = $1 and e.chunk_id is null
       order by c.id limit $3`,
      [tenantId, vector.embedder.model, batch],
    );
    if (rows.length === 0) return done;
    await indexChunkEmbeddings(db, vector, tenantId, rows.map((r) => r.id));
    done += rows.length;
  }
}

/** How many neighbours the HNSW scan keeps while searching (pgvector's default is 40). */
const EF_SEARCH = 100;

/** The tenant's chunks nearest to the question, best first (cosine distance). */
export async function vectorRank(db: Db, channel: VectorChannel, tenantId: string, question: string, limit: number, filter: DocumentFilter = {}): Promise<string[]> {
  const [vector] = await channel.embedder.embed([question]);
  if (!vector) return [];
  return db.transaction(async (tx) => {
    await tx.exec(`set local hnsw.iterative_scan = relaxed_order; set local hnsw.ef_search = ${EF_SEARCH}`);
    const rows = await tx.query<{ chunk_id: string }>(
      `with nearest as materialized (
         select chunk_id, embedding <=> $2::vector as distance
         from chunk_embeddings
         where tenant_id = $1 and model = $3
           and ($5::text[] is null or chunk_id in (
             select c.id from chunks c join documents d on d.id = c.document_id and d.tenant_id = $1
             where c.tenant_id = $1 and d.tags && $5::text[]))
         order by embedding <=> $2::vector
         limit $4
       )
       select chunk_id from nearest order by distance, chunk_id`,
      [tenantId, vectorLiteral(vector), channel.embedder.model, limit, tagsParam(filter)],
    );
    return rows.map((r) => r.chunk_id);
  });
}

