import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPostgres } from '../../src/db/postgres.js';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { deleteDocument, findDocument, listChunks, listDocuments } from '../../src/knowledge/repository.js';
import { searchPassages } from '../../src/knowledge/search/index.js';
import { createSession, findSession, touchLiveSession } from '../../src/conversations/sessions.js';
import { createTenant, findById, findByPublishableKey, verifySecretKey } from '../../src/tenants/repository.js';
import { failingOn, openEngine, silentLog, type Engine } from '../helpers/db.js';

const REFUNDS = {
  externalId: 'refunds',
  title: 'Refunds',
  url: 'https://help.acme.example/refunds',
  content: '# Refunds\n\n## Policy\n\nYou can get a full refund within 14 days of purchase.\n\n## Timing\n\nRefunds arrive in 5 to 10 business days.',
};

describe.each<Engine>(['pglite', 'postgres'])('storage on %s', (engine) => {
  let db: Db;
  let url: string | undefined;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, url, close } = await openEngine(engine));
  });
  afterAll(() => close());

  const tenants = () => Promise.all([createTenant(db, { name: 'A', allowedOrigins: ['https://a.example'] }), createTenant(db, { name: 'B', allowedOrigins: ['https://b.example'] })]);

  describe('migrations', () => {
    it('applies every file once and a second run is a no-op', async () => {
      const files = await loadMigrations();
      const rows = await db.query<{ version: string; applied_at: Date }>('select version, applied_at from schema_migrations order by version');
      expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
      expect(rows[0]!.applied_at).toBeInstanceOf(Date);
      expect(await migrate(db, silentLog)).toEqual([]);
      expect(await db.query('select version from schema_migrations')).toHaveLength(files.length);
    });

    it('concurrent runs apply each migration exactly once', async () => {
      const fresh = await openEngine(engine);
      try {
        await fresh.db.exec('drop schema public cascade; create schema public;');
        // On a server, a second pool stands in for a second process starting at the same time.
        const others = fresh.url ? [openPostgres(fresh.url, silentLog)] : [];
        const runners = [fresh.db, fresh.db, ...others];
        const applied = await Promise.all(runners.map((d) => migrate(d, silentLog)));
        const files = await loadMigrations();
        expect(applied.flat().sort()).toEqual(files.map((f) => f.version).sort());
        await Promise.all(others.map((d) => d.close()));
      } finally {
        await fresh.close();
      }
    });
  });

  describe('value conversion', () => {
    it('returns Dates, parsed jsonb, numbers and arrays the same on both engines', async () => {
      const [row] = await db.query<Record<string, unknown>>(
        `select now() as ts, '{"a":[1,2]}'::jsonb as j, count(*) as n, 2.5::float8 as f, array['x','y'] as arr from tenants`,
      );
      expect(row!.ts).toBeInstanceOf(Date);
      expect(row!.j).toEqual({ a: [1, 2] });
      expect(typeof row!.n).toBe('number');
      expect(row!.f).toBe(2.5);
      expect(row!.arr).toEqual(['x', 'y']);
    });

    it('rolls a failed nested transaction back to its savepoint only', async () => {
      const { tenant } = await createTenant(db, { name: 'Nested', allowedOrigins: [] });
      await db.transaction(async (tx) => {
        await tx.query(`update tenants set name = 'outer' where id = $1`, [tenant.id]);
        await expect(
          tx.transaction(async (inner) => {
            await inner.query(`update tenants set name = 'inner' where id = $1`, [tenant.id]);
            throw new Error('inner fails');
          }),
        ).rejects.toThrow('inner fails');
      });
      expect((await findById(db, tenant.id))!.name).toBe('outer');
    });
  });

  describe('tenants', () => {
    it('stores the secret only as a hash and verifies it', async () => {
      const { tenant, secretKey } = await createTenant(db, { name: 'Keys', allowedOrigins: ['https://keys.example/path'], theme: { accentColor: '#112233' } });
      expect(tenant.allowedOrigins).toEqual(['https://keys.example']);
      expect(tenant.theme.accentColor).toBe('#112233');
      expect(tenant.theme.position).toBe('right');
      const raw = await db.query<{ key_hash: string }>('select key_hash from secret_keys where tenant_id = $1', [tenant.id]);
      expect(raw).toHaveLength(1);
      expect(raw[0]!.key_hash).not.toContain(secretKey);
      expect(await verifySecretKey(db, secretKey)).toMatchObject({ ok: true, tenant: { id: tenant.id } });
      const tampered = `${secretKey.slice(0, -1)}${secretKey.endsWith('0') ? '1' : '0'}`;
      // A wrong secret under the tenant's key id is attributed to that tenant (it can see the attempts).
      expect(await verifySecretKey(db, tampered)).toEqual({ ok: false, reason: 'unknown', tenantId: tenant.id });
      expect((await findByPublishableKey(db, tenant.publishableKey))?.id).toBe(tenant.id);
    });
  });

  describe('tenant scoping', () => {
    it("tenant B can never read, search, change or delete tenant A's documents, chunks or sessions", async () => {
      const [a, b] = await tenants();
      const doc = await upsertDocument(db, a.tenant.id, REFUNDS);
      const session = await createSession(db, a.tenant.id);

      expect(await listDocuments(db, b.tenant.id)).toEqual([]);
      expect(await findDocument(db, b.tenant.id, REFUNDS.externalId)).toBeUndefined();
      expect(await listChunks(db, b.tenant.id, doc.documentId)).toEqual([]);
      expect(await searchPassages(db, b.tenant.id, 'refund')).toEqual([]);
      expect(await findSession(db, b.tenant.id, session.id)).toBeUndefined();
      expect(await deleteDocument(db, b.tenant.id, REFUNDS.externalId)).toBe(false);

      // The same externalId in B is B's own document, not an overwrite of A's.
      const bDoc = await upsertDocument(db, b.tenant.id, { ...REFUNDS, content: 'Tenant B content about bananas' });
      expect(bDoc.documentId).not.toBe(doc.documentId);
      expect(bDoc.created).toBe(true);

      // A still has everything, unchanged.
      expect((await findDocument(db, a.tenant.id, REFUNDS.externalId))?.chunks).toBe(doc.chunks);
      expect((await searchPassages(db, a.tenant.id, 'refund')).map((p) => p.documentId)).toContain(doc.documentId);
      expect(await searchPassages(db, a.tenant.id, 'bananas')).toEqual([]);
      expect((await findSession(db, a.tenant.id, session.id))?.id).toBe(session.id);
    });

    it("touching another tenant's session does nothing", async () => {
      const [a, b] = await tenants();
      const session = await createSession(db, a.tenant.id);
      await db.query(`update sessions set last_seen_at = now() - interval '1 hour' where id = $1`, [session.id]);
      const before = (await findSession(db, a.tenant.id, session.id))!.lastSeenAt;
      expect(await touchLiveSession(db, b.tenant.id, session.id)).toBe(false);
      expect((await findSession(db, a.tenant.id, session.id))!.lastSeenAt).toEqual(before);
      expect(await touchLiveSession(db, a.tenant.id, session.id)).toBe(true);
      expect((await findSession(db, a.tenant.id, session.id))!.lastSeenAt.getTime()).toBeGreaterThan(before.getTime());
    });

    it('a chunk cannot reference another tenant’s document (composite foreign key)', async () => {
      const [a, b] = await tenants();
      const doc = await upsertDocument(db, a.tenant.id, REFUNDS);
      await expect(
        db.query(`insert into chunks (id, tenant_id, document_id, ordinal, title, content) values ('chk_x', $1, $2, 99, 't', 'c')`, [b.tenant.id, doc.documentId]),
      ).rejects.toThrow();
    });
  });

  describe('ingest', () => {
    it('skips an unchanged document (checksum) and keeps its chunks', async () => {
      const [a] = await tenants();
      const first = await upsertDocument(db, a.tenant.id, REFUNDS);
      const chunksBefore = await listChunks(db, a.tenant.id, first.documentId);
      const docBefore = await findDocument(db, a.tenant.id, REFUNDS.externalId);
      const second = await upsertDocument(db, a.tenant.id, REFUNDS);
      expect(second).toEqual({ documentId: first.documentId, chunks: first.chunks, version: 1, unchanged: true, created: false });
      expect(await listChunks(db, a.tenant.id, first.documentId)).toEqual(chunksBefore);
      expect((await findDocument(db, a.tenant.id, REFUNDS.externalId))!.updatedAt).toEqual(docBefore!.updatedAt);
    });

    it('re-ingesting changed content replaces all chunks', async () => {
      const [a] = await tenants();
      const first = await upsertDocument(db, a.tenant.id, REFUNDS);
      const oldIds = (await listChunks(db, a.tenant.id, first.documentId)).map((c) => c.id);
      const second = await upsertDocument(db, a.tenant.id, { ...REFUNDS, content: '# Refunds\n\nRefunds are handled by the reseller, contact them.' });
      expect(second).toMatchObject({ documentId: first.documentId, unchanged: false, created: false, chunks: 1 });
      const now = await listChunks(db, a.tenant.id, first.documentId);
      expect(now).toHaveLength(1);
      expect(now.some((c) => oldIds.includes(c.id))).toBe(false);
      expect(await searchPassages(db, a.tenant.id, 'business days')).toEqual([]);
      expect((await searchPassages(db, a.tenant.id, 'reseller'))[0]?.documentId).toBe(first.documentId);
    });

    it('is atomic: a failure while writing chunks leaves the previous version intact', async () => {
      const [a] = await tenants();
      const first = await upsertDocument(db, a.tenant.id, REFUNDS);
      const before = await listChunks(db, a.tenant.id, first.documentId);
      const broken = failingOn(db, /^\s*insert into chunks/);
      await expect(upsertDocument(broken, a.tenant.id, { ...REFUNDS, content: 'A whole new text about shipping.' })).rejects.toThrow('injected failure');
      expect(await listChunks(db, a.tenant.id, first.documentId)).toEqual(before);
      const doc = await findDocument(db, a.tenant.id, REFUNDS.externalId);
      expect(doc?.checksum).not.toBeUndefined();
      // The document row's update was rolled back too, so the retry is not mistaken for "unchanged".
      const retry = await upsertDocument(db, a.tenant.id, { ...REFUNDS, content: 'A whole new text about shipping.' });
      expect(retry.unchanged).toBe(false);
    });

    it('deleting a document deletes its chunks', async () => {
      const [a] = await tenants();
      const doc = await upsertDocument(db, a.tenant.id, REFUNDS);
      expect(doc.chunks).toBeGreaterThan(0);
      expect(await deleteDocument(db, a.tenant.id, REFUNDS.externalId)).toBe(true);
      const left = await db.query<{ n: number }>('select count(*) as n from chunks where document_id = $1', [doc.documentId]);
      expect(left[0]!.n).toBe(0);
      expect(await deleteDocument(db, a.tenant.id, REFUNDS.externalId)).toBe(false);
    });

    it('deleting a tenant cascades to its documents, chunks and sessions', async () => {
      const [a] = await tenants();
      await upsertDocument(db, a.tenant.id, REFUNDS);
      await createSession(db, a.tenant.id);
      await db.query('delete from tenants where id = $1', [a.tenant.id]);
      for (const table of ['documents', 'chunks', 'sessions']) {
        const rows = await db.query<{ n: number }>(`select count(*) as n from ${table} where tenant_id = $1`, [a.tenant.id]);
        expect(rows[0]!.n, table).toBe(0);
      }
    });
  });

  describe('search', () => {
    it('ranks, snippets in plain text, and returns [] for empty or term-less input', async () => {
      const [a] = await tenants();
      await upsertDocument(db, a.tenant.id, REFUNDS);
      await upsertDocument(db, a.tenant.id, { externalId: 'ship', title: 'Shipping', content: 'We ship worldwide within 3 days. Tracking numbers are emailed.' });
      const hits = await searchPassages(db, a.tenant.id, 'how long until my refund arrives?');
      expect(hits[0]).toMatchObject({ title: 'Refunds', url: REFUNDS.url, section: 'Timing' });
      expect(hits[0]!.snippet).toContain('Refunds arrive');
      expect(hits[0]!.snippet).not.toMatch(/<b>|\*\*/);
      expect(hits[0]!.score).toBeGreaterThan(0);
      expect(hits[0]!.score).toBeLessThan(1);
      expect(await searchPassages(db, a.tenant.id, 'refund', { limit: 1 })).toHaveLength(1);
      expect((await searchPassages(db, a.tenant.id, 'refund', { limit: Number.NaN })).length).toBeGreaterThan(0);
      for (const q of ['', '   ', 'the and of', '!!! ((( :* & |', "it's \\ ' \" -"]) {
        expect(await searchPassages(db, a.tenant.id, q), JSON.stringify(q)).toEqual([]);
      }
    });

    it('falls back to any-term matching when no chunk has every word', async () => {
      const [a] = await tenants();
      await upsertDocument(db, a.tenant.id, REFUNDS);
      const hits = await searchPassages(db, a.tenant.id, 'refund for my spaceship');
      expect(hits.length).toBeGreaterThan(0);
      expect(hits[0]!.title).toBe('Refunds');
    });
  });
});
