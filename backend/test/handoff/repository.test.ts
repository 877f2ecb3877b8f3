import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productInputSchema } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { createEscalation, createOrReuseEscalation, listEscalations, resolveEscalation } from '../../src/handoff/repository.js';
import { listProducts, upsertProducts } from '../../src/products/repository.js';
import { createSession } from '../../src/conversations/sessions.js';
import { createTenant } from '../../src/tenants/repository.js';
import { openEngine, type Engine } from '../helpers/db.js';

/**
 * The escalation and catalog SQL on both engines: the partial unique index that keeps one active
 * escalation per conversation under real concurrency (a Postgres pool), and the one-statement upsert.
 */
describe.each<Engine>(['pglite', 'postgres'])('escalations and products on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let tenantId: string;

  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
    tenantId = (await createTenant(db, { name: 'Shop', allowedOrigins: [] })).tenant.id;
  });
  afterAll(() => close());

  it('files one escalation when many ask at once, and opens a waiting proposal', async () => {
    const session = await createSession(db, tenantId);
    const input = { tenantId, sessionId: session.id, messageId: null, reason: 'help', source: 'visitor' as const, status: 'open' as const };
    const results = await Promise.all(Array.from({ length: 8 }, () => createOrReuseEscalation(db, input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.escalation.id)).size).toBe(1);

    const other = await createSession(db, tenantId);
    const proposal = await createEscalation(db, { ...input, sessionId: other.id, source: 'tool', status: 'proposed' });
    const opened = await createOrReuseEscalation(db, { ...input, sessionId: other.id, source: 'classifier' });
    expect(opened).toMatchObject({ created: true, escalation: { id: proposal.id, status: 'open', source: 'tool' } });
  });

  it('lets a resolved conversation be escalated again', async () => {
    const session = await createSession(db, tenantId);
    const input = { tenantId, sessionId: session.id, messageId: null, reason: 'again', source: 'visitor' as const, status: 'open' as const };
    const first = await createEscalation(db, input);
    expect(await resolveEscalation(db, tenantId, first.id)).toMatchObject({ escalation: { status: 'resolved' } });
    const second = await createEscalation(db, input);
    expect(second.id).not.toBe(first.id);
    const listed = await listEscalations(db, tenantId, { limit: 50, offset: 0 });
    expect(listed.filter((e) => e.sessionId === session.id).map((e) => e.status)).toEqual(['open', 'resolved']);
  });

  it('upserts products in one statement, counting creations and updates, and searches them', async () => {
    const records = [
      { sku: 'A-1', name: 'Alpine backpack', description: 'Thirty litre pack', price: '99.95', currency: 'CHF' },
      { sku: 'A-2', name: 'Day pack', description: 'Small backpack' },
    ].map((p) => productInputSchema.parse(p));
    expect(await upsertProducts(db, tenantId, records)).toEqual({ created: 2, updated: 0 });
    expect(await upsertProducts(db, tenantId, [{ ...records[0]!, name: 'Alpine backpack 30' }])).toEqual({ created: 0, updated: 1 });
    const found = await listProducts(db, tenantId, { q: 'alpine backpacks', limit: 10, offset: 0 });
    expect(found.products.map((p) => [p.sku, p.name, p.price])).toEqual([
      ['A-1', 'Alpine backpack 30', '99.95'],
      ['A-2', 'Day pack', null],
    ]);
  });
});
