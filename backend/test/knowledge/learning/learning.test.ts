import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/db.js';
import { createSession } from '../../../src/conversations/sessions.js';
import { finishAssistantMessage, insertAssistantMessage, insertUserMessage } from '../../../src/conversations/messages.js';
import { deleteSessions } from '../../../src/conversations/data-rights.js';
import { markAnswerGood } from '../../../src/conversations/annotations.js';
import { deleteCustomer } from '../../../src/customers/data-rights.js';
import { upsertPhoneCustomer } from '../../../src/customers/repository.js';
import { rateAnswer } from '../../../src/feedback/rate-answer.js';
import { upsertDocument } from '../../../src/knowledge/ingest.js';
import { learnFromAnswer, listLearned } from '../../../src/knowledge/learning/index.js';
import { answeringPassages, searchPassages } from '../../../src/knowledge/search/index.js';
import { passageToCitation } from '../../../src/llm/citations.js';
import { sweep } from '../../../src/retention/sweep.js';
import { createSolution, removeSolution } from '../../../src/solutions/store.js';
import { createTenant } from '../../../src/tenants/repository.js';
import { openEngine, silentLog, type Engine } from '../../helpers/db.js';

/**
 * Learning from answers that worked (knowledge/learning/): a question answered well becomes a
 * lower-weight field of the passage it cited; whatever deletes its source deletes it.
 */

const DOCS = [
  { externalId: 'lost', title: 'Missing shipments', content: 'If a shipment is missing, contact the courier with the tracking number. We resend it free of charge.' },
  { externalId: 'refunds', title: 'Refunds', content: 'Refunds go back to the original card within five business days.' },
  { externalId: 'hours', title: 'Opening hours', content: 'Our support team answers from 9:00 to 17:00, Monday to Friday.' },
];

/** What a visitor asked and the next visitor's other wording of it: no word of either is in the passage. */
const TAUGHT = 'my parcel never turned up';
const PARAPHRASE = 'parcel still has not turned up';

async function knowledgeBase(db: Db, name: string): Promise<{ tenantId: string; docs: Map<string, string> }> {
  const { tenant } = await createTenant(db, { name, allowedOrigins: [] });
  const docs = new Map<string, string>();
  for (const doc of DOCS) docs.set(doc.externalId, (await upsertDocument(db, tenant.id, doc)).documentId);
  return { tenantId: tenant.id, docs };
}

/** A conversation whose answer cites `externalId`'s passage (as the answerer would have). */
async function answered(db: Db, tenantId: string, question: string, externalId: string): Promise<{ sessionId: string; messageId: string }> {
  const [passage] = await searchPassages(db, tenantId, DOCS.find((d) => d.externalId === externalId)!.content, { limit: 1 });
  const session = await createSession(db, tenantId);
  await insertUserMessage(db, { tenantId, sessionId: session.id, text: question });
  const answer = await insertAssistantMessage(db, { tenantId, sessionId: session.id });
  await finishAssistantMessage(db, { tenantId, messageId: answer.id, text: passage!.content, sources: [passageToCitation(passage!)], status: 'complete', events: [], answerer: 'extractive' });
  return { sessionId: session.id, messageId: answer.id };
}

const rate = (db: Db, tenantId: string, a: { sessionId: string; messageId: string }, rating: 'up' | 'down') =>
  rateAnswer(db, { tenantId, sessionId: a.sessionId, messageId: a.messageId, rating, comment: null });

async function topExternalId(db: Db, tenantId: string, question: string): Promise<string | undefined> {
  return (await searchPassages(db, tenantId, question, { limit: 3 }))[0]?.externalId;
}

describe.each<Engine>(['pglite', 'postgres'])('learned questions on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openEngine(engine);
    db = opened.db;
    close = opened.close;
  });
  afterAll(() => close?.());

  it('a rated-up answer teaches its question: the next visitor’s other wording finds the passage; removing the conversation forgets it', async () => {
    const { tenantId } = await knowledgeBase(db, 'shop');
    expect(await topExternalId(db, tenantId, PARAPHRASE)).not.toBe('lost');
    const a = await answered(db, tenantId, TAUGHT, 'lost');
    await rate(db, tenantId, a, 'up');
    expect(await listLearned(db, tenantId)).toMatchObject([{ question: TAUGHT, source: { kind: 'rated_up', id: a.messageId } }]);
    expect(await topExternalId(db, tenantId, PARAPHRASE)).toBe('lost');

    await deleteSessions(db, tenantId, [a.sessionId]);
    expect(await listLearned(db, tenantId)).toEqual([]);
    expect(await topExternalId(db, tenantId, PARAPHRASE)).not.toBe('lost');
  });

  it('a rated-down answer teaches nothing, and a rate-down after a rate-up removes what it taught', async () => {
    const { tenantId } = await knowledgeBase(db, 'shop');
    const down = await answered(db, tenantId, TAUGHT, 'lost');
    await rate(db, tenantId, down, 'down');
    expect(await listLearned(db, tenantId)).toEqual([]);

    const changed = await answered(db, tenantId, TAUGHT, 'lost');
    await rate(db, tenantId, changed, 'up');
    expect(await listLearned(db, tenantId)).toHaveLength(1);
    await rate(db, tenantId, changed, 'down');
    expect(await listLearned(db, tenantId)).toEqual([]);
    expect(await topExternalId(db, tenantId, PARAPHRASE)).not.toBe('lost');
  });

  it('an answer marked good teaches; unmarking it forgets; a follow-up that only points back teaches nothing', async () => {
    const { tenantId } = await knowledgeBase(db, 'shop');
    const a = await answered(db, tenantId, TAUGHT, 'lost');
    await markAnswerGood(db, tenantId, a.messageId, true);
    await learnFromAnswer(db, tenantId, a.messageId);
    expect(await listLearned(db, tenantId)).toMatchObject([{ source: { kind: 'marked_good', id: a.messageId } }]);
    await markAnswerGood(db, tenantId, a.messageId, false);
    await learnFromAnswer(db, tenantId, a.messageId);
    expect(await listLearned(db, tenantId)).toEqual([]);

    const followUp = await answered(db, tenantId, 'and how long does that take?', 'refunds');
    await rate(db, tenantId, followUp, 'up');
    expect(await listLearned(db, tenantId)).toEqual([]);
  });

  it('a customer’s data erasure and the retention sweep remove what their conversations taught', async () => {
    const { tenantId } = await knowledgeBase(db, 'shop');
    const a = await answered(db, tenantId, TAUGHT, 'lost');
    const customer = await upsertPhoneCustomer(db, tenantId, '+15550100', new Date());
    await db.query('update sessions set customer_id = $3 where tenant_id = $1 and id = $2', [tenantId, a.sessionId, customer.id]);
    await rate(db, tenantId, a, 'up');
    expect(await listLearned(db, tenantId)).toHaveLength(1);
    expect(await deleteCustomer(db, tenantId, customer.id)).toBe(true);
    expect(await listLearned(db, tenantId)).toEqual([]);

    const old = await answered(db, tenantId, TAUGHT, 'lost');
    await rate(db, tenantId, old, 'up');
    await db.query('update tenants set conversation_retention_days = 1 where id = $1', [tenantId]);
    await db.query(`update sessions set last_seen_at = now() - interval '3 days' where tenant_id = $1`, [tenantId]);
    await db.query(`update messages set created_at = now() - interval '3 days' where tenant_id = $1`, [tenantId]);
    expect(await sweep(db)).toBeGreaterThan(0);
    expect(await listLearned(db, tenantId)).toEqual([]);
    expect(await topExternalId(db, tenantId, PARAPHRASE)).not.toBe('lost');
  });

  it('a solution saved from a reply teaches the visitor’s wording; deleting the solution forgets it', async () => {
    const { tenantId } = await knowledgeBase(db, 'shop');
    const store = { db, log: silentLog, indexChunks: async () => undefined };
    const [staff] = await db.query<{ id: string }>(
      `insert into staff_accounts (id, tenant_id, email, role, password_hash) values ('stf_' || $1, $1, 'learn@example.com', 'owner', 'unused') returning id`,
      [tenantId],
    );
    const scope = { tenantId, staffId: staff!.id };
    const solution = await createSolution(store, scope, { question: 'Gift wrapping', answer: 'We wrap any order for 3 euros.', sessionId: null, askedAs: 'can you put my present in pretty paper' });
    expect(await listLearned(db, tenantId)).toMatchObject([{ source: { kind: 'solution', id: solution.id }, documentId: solution.documentId }]);
    expect((await searchPassages(db, tenantId, 'pretty paper for a present', { limit: 1 }))[0]?.documentId).toBe(solution.documentId);
    await removeSolution(db, tenantId, solution.id);
    expect(await listLearned(db, tenantId)).toEqual([]);
  });

  it('a re-ingested document keeps what its passage learned, attached to the new chunk', async () => {
    const { tenantId } = await knowledgeBase(db, 'shop');
    const a = await answered(db, tenantId, TAUGHT, 'lost');
    await rate(db, tenantId, a, 'up');
    const before = (await listLearned(db, tenantId))[0]!.chunkId;
    await upsertDocument(db, tenantId, { ...DOCS[0]!, content: `${DOCS[0]!.content} Keep the box if it arrives damaged.` });
    const [after] = await listLearned(db, tenantId);
    expect(after!.chunkId).not.toBeNull();
    expect(after!.chunkId).not.toBe(before);
    expect(await topExternalId(db, tenantId, PARAPHRASE)).toBe('lost');
  });

  it('what was learned answers the next visitor who asks it, and an off-domain question sharing its words is still declined', async () => {
    const { tenantId } = await knowledgeBase(db, 'shop');
    const answerable = async (question: string) => answeringPassages(await searchPassages(db, tenantId, question)).map((p) => p.externalId);
    expect(await answerable(TAUGHT)).toEqual([]);
    await rate(db, tenantId, await answered(db, tenantId, TAUGHT, 'lost'), 'up');
    expect((await answerable(TAUGHT))[0]).toBe('lost');
    // "turned up" is in the learned question; the flight and the gate are in nothing this shop wrote.
    expect(await answerable('my flight never turned up at the gate')).toEqual([]);
  });

  it('one tenant’s learned questions never change another tenant’s search', async () => {
    const a = await knowledgeBase(db, 'tenant a');
    const b = await knowledgeBase(db, 'tenant b');
    const taught = await answered(db, b.tenantId, TAUGHT, 'lost');
    await rate(db, b.tenantId, taught, 'up');
    expect(await topExternalId(db, b.tenantId, PARAPHRASE)).toBe('lost');
    expect(await topExternalId(db, a.tenantId, PARAPHRASE)).not.toBe('lost');
    expect(await listLearned(db, a.tenantId)).toEqual([]);
    // Tenant A cannot teach through B's answer either.
    await learnFromAnswer(db, a.tenantId, taught.messageId);
    expect(await listLearned(db, a.tenantId)).toEqual([]);
  });
});
