import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUserMessage } from '../../src/conversations/messages.js';
import { createSession } from '../../src/conversations/sessions.js';
import type { Db } from '../../src/db/db.js';
import { newId } from '../../src/ids.js';
import { createRetentionFeature } from '../../src/retention/feature.js';
import { setConversationRetentionDays } from '../../src/retention/setting.js';
import { sweep } from '../../src/retention/sweep.js';
import { makeTenant } from '../helpers/app.js';
import { openEngine, silentLog, type Engine } from '../helpers/db.js';

/**
 * The retention sweep, on both engines: a conversation quiet for longer than its tenant's retention
 * is erased with what hangs off it; a newer one, one still being answered, and every other tenant's
 * stay. Sweepers running at once (several instances) share the work and erase each one once.
 * Age is set by moving the rows' times into the past, so no test waits for days to pass.
 */

const DAY_MS = 86_400_000;

/** A conversation with one message, its visitor last seen and its message sent `ageDays` ago. */
async function conversation(db: Db, tenantId: string, ageDays: number, messageAgeDays = ageDays): Promise<string> {
  const session = await createSession(db, tenantId);
  const message = await insertUserMessage(db, { tenantId, sessionId: session.id, text: 'Where is my order?' });
  const at = (days: number) => new Date(Date.now() - days * DAY_MS);
  await db.query('update sessions set created_at = $3, last_seen_at = $3 where tenant_id = $1 and id = $2', [tenantId, session.id, at(ageDays)]);
  await db.query('update messages set created_at = $3 where tenant_id = $1 and id = $2', [tenantId, message.id, at(messageAgeDays)]);
  await db.query(`insert into email_events (id, tenant_id, session_id, kind, recipient, status) values ($1, $2, $3, 'summary', 'c@shop.example', 'sent')`, [
    newId('eml'),
    tenantId,
    session.id,
  ]);
  await db.query(
    `insert into llm_calls (id, tenant_id, session_id, message_id, purpose, model, latency_ms, outcome) values ($1, $2, $3, $4, 'answer', 'm', 5, 'ok')`,
    [newId('llm'), tenantId, session.id, message.id],
  );
  return session.id;
}

async function exists(db: Db, tenantId: string, sessionId: string): Promise<boolean> {
  return (await db.query('select 1 from sessions where tenant_id = $1 and id = $2', [tenantId, sessionId])).length === 1;
}

async function leftovers(db: Db, tenantId: string, sessionId: string) {
  const count = async (sql: string) => Number((await db.query<{ n: string | number }>(sql, [tenantId, sessionId]))[0]!.n);
  return {
    messages: await count('select count(*) as n from messages where tenant_id = $1 and session_id = $2'),
    emailEvents: await count('select count(*) as n from email_events where tenant_id = $1 and session_id = $2'),
    usageLinked: await count('select count(*) as n from llm_calls where tenant_id = $1 and session_id = $2'),
  };
}

describe.each<Engine>(['pglite', 'postgres'])('the retention sweep (%s)', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
  });
  afterAll(() => close?.());

  it('erases conversations older than the window with what hangs off them, keeps newer ones and other tenants', async () => {
    const shop = (await makeTenant(db, 'Shop')).tenant.id;
    const keeper = (await makeTenant(db, 'Keeper')).tenant.id;
    const strict = (await makeTenant(db, 'Strict')).tenant.id;
    await setConversationRetentionDays(db, shop, 30);
    await setConversationRetentionDays(db, strict, 60);

    const old = await conversation(db, shop, 40);
    const recent = await conversation(db, shop, 10);
    const stillAnswered = await conversation(db, shop, 40, 1);
    const neverDeleted = await conversation(db, keeper, 400);
    const withinLongerWindow = await conversation(db, strict, 40);
    const usageBefore = Number((await db.query<{ n: string }>('select count(*) as n from llm_calls where tenant_id = $1', [shop]))[0]!.n);

    expect(await sweep(db)).toBe(1);

    expect(await exists(db, shop, old)).toBe(false);
    expect(await leftovers(db, shop, old)).toEqual({ messages: 0, emailEvents: 0, usageLinked: 0 });
    // Usage records stay, detached: what the tenant spent is not erased with the conversation.
    expect(Number((await db.query<{ n: string }>('select count(*) as n from llm_calls where tenant_id = $1', [shop]))[0]!.n)).toBe(usageBefore);
    for (const [tenantId, sessionId] of [[shop, recent], [shop, stillAnswered], [keeper, neverDeleted], [strict, withinLongerWindow]] as const) {
      expect(await exists(db, tenantId, sessionId), sessionId).toBe(true);
      expect(await leftovers(db, tenantId, sessionId), sessionId).toEqual({ messages: 1, emailEvents: 1, usageLinked: 1 });
    }
    // Nothing is left to do: a second sweep erases nothing.
    expect(await sweep(db)).toBe(0);
  });

  it('turned off (null), the tenant keeps everything', async () => {
    const tenantId = (await makeTenant(db, 'Undecided')).tenant.id;
    await setConversationRetentionDays(db, tenantId, 30);
    await setConversationRetentionDays(db, tenantId, null);
    const old = await conversation(db, tenantId, 90);
    expect(await sweep(db)).toBe(0);
    expect(await exists(db, tenantId, old)).toBe(true);
  });

  it('two sweepers at once erase every expired conversation exactly once, without an error', async () => {
    const tenantId = (await makeTenant(db, 'Busy')).tenant.id;
    await setConversationRetentionDays(db, tenantId, 7);
    const old = await Promise.all(Array.from({ length: 24 }, () => conversation(db, tenantId, 8)));
    const kept = await conversation(db, tenantId, 1);

    // Small batches, so the two interleave batch by batch.
    const [first, second] = await Promise.all([sweep(db, 5), sweep(db, 5)]);
    expect(first + second).toBe(old.length);
    for (const id of old) expect(await exists(db, tenantId, id)).toBe(false);
    expect(await exists(db, tenantId, kept)).toBe(true);
  });
});

describe('the retention feature', () => {
  it('sweeps on its own once started, and stops when the app stops', async () => {
    const { db, close } = await openEngine('pglite');
    const feature = createRetentionFeature({ db, log: silentLog, intervalMs: 20 });
    try {
      const tenantId = (await makeTenant(db, 'Timed')).tenant.id;
      await setConversationRetentionDays(db, tenantId, 7);
      const old = await conversation(db, tenantId, 30);
      feature.start!();
      await expect.poll(() => exists(db, tenantId, old), { timeout: 30_000 }).toBe(false);
    } finally {
      await feature.stop!();
      await close();
    }
  });
});
