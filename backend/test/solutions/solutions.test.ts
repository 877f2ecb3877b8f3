import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isSolutionCitation,
  SOLUTION_LIMITS,
  SOLUTION_ROUTES,
  STAFF_ROUTES,
  type AdminConversationResponse,
  type Citation,
  type StaffReplyResponse,
  type SolutionDetailResponse,
  type SolutionListResponse,
  type SolutionResponse,
} from '@prex/protocol';
import { searchPassages } from '../../src/knowledge/search/index.js';
import { makeTenant, readJson } from '../helpers/app.js';
import { history, lastAssistant, newVisitor, readSse, send, startChatTestServer, textOf, type ChatTestServer } from '../helpers/chat.js';
import { readDraft, visitorWaitingForStaff } from '../helpers/copilot.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * Solutions end to end on a real server (PGlite, no model: answers are extractive): staff save a
 * question and its answer, the next visitor who asks gets that answer citing the solution; edits
 * keep versions and change what visitors get; a deleted solution is cited no more; another
 * tenant's staff can reach none of it.
 */

let t: ChatTestServer;
let staff: StaffBrowser;
let otherStaff: StaffBrowser;
let otherKey: string;
let otherSecret: string;

const QUESTION = 'Can I change the delivery address after ordering?';
const ANSWER = 'Yes. Until the parcel leaves our warehouse, write to us with the order number and the new address and we update the label for free.';
const VISITOR_ASKS = 'How do I change my delivery address after I ordered?';

beforeAll(async () => {
  t = await startChatTestServer();
  staff = await signedInStaff(t.url, t.server.db, t.tenantId, 'agent@shop.example', 'agent');
  const other = await makeTenant(t.server.db, 'Other shop');
  otherKey = other.publishableKey;
  otherSecret = other.secretKey;
  otherStaff = await signedInStaff(t.url, t.server.db, other.tenant.id, 'agent@other.example', 'agent');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const path = (route: string, sessionId: string) => route.replace(':sessionId', encodeURIComponent(sessionId));
const one = (id: string) => SOLUTION_ROUTES.solution.replace(':solutionId', encodeURIComponent(id));

/** A new visitor of the tenant asks `question`; the stored answer (text and sources). */
async function askAsNewVisitor(question: string, publishableKey = t.publishableKey): Promise<{ text: string; sources: Citation[] }> {
  const visitor = await newVisitor({ url: t.url, publishableKey });
  const read = await readSse(await send(visitor, { text: question }));
  const stored = lastAssistant(await history(visitor));
  expect(stored.text).toBe(textOf(read.chunks));
  return { text: stored.text, sources: stored.sources };
}

async function create(body: unknown, as = staff): Promise<SolutionResponse['solution']> {
  const res = await as.call('POST', SOLUTION_ROUTES.solutions, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await readJson<SolutionResponse>(res)).solution;
}

describe('a solution answers the next visitor', () => {
  it('is cited (as a solution: its question as title, no url) in the answer to the same question', async () => {
    const before = await askAsNewVisitor(VISITOR_ASKS);
    expect(before.sources.some(isSolutionCitation)).toBe(false);

    // Saved from the conversation it came from.
    const visitor = await newVisitor(t);
    await readSse(await send(visitor, { text: VISITOR_ASKS }));
    const solution = await create({ question: QUESTION, answer: ANSWER, sessionId: visitor.sessionId });
    expect(solution).toMatchObject({ id: expect.stringMatching(/^sol_/), question: QUESTION, answer: ANSWER, sessionId: visitor.sessionId, version: 1 });

    const after = await askAsNewVisitor(VISITOR_ASKS);
    expect(after.text).toContain('update the label for free');
    // The answer quotes the staff's answer, not the question back at the visitor.
    expect(after.text).not.toContain(QUESTION);
    expect(after.text).toContain('[1]');
    const cited = after.sources[0]!;
    expect(isSolutionCitation(cited)).toBe(true);
    expect(cited).toMatchObject({ title: QUESTION, externalId: `solution:${solution.id}`, documentId: solution.documentId });
    expect(cited.url).toBeUndefined();
  });

  it('is saved from one staff reply of a resolved conversation: the reply is the answer, what the visitor asked before it the question', async () => {
    const visitor = await visitorWaitingForStaff(t, 'How do I get a refund?', 'Can I return a gift card I never used?');
    const replied = await staff.call('POST', path(STAFF_ROUTES.conversationReplies, visitor.sessionId), { text: 'Unused gift cards can be returned within 14 days for a full refund to the buyer.' });
    expect(replied.status).toBe(201);
    const reply = (await readJson<StaffReplyResponse>(replied)).message;
    const conversation = await readJson<AdminConversationResponse>(await staff.call('GET', path(STAFF_ROUTES.conversation, visitor.sessionId)));
    const resolved = await staff.call('PATCH', STAFF_ROUTES.escalation.replace(':escalationId', conversation.escalations[0]!.id), { status: 'resolved' });
    expect(resolved.status).toBe(200);

    const solution = await create({ sessionId: visitor.sessionId, messageId: reply.id });
    expect(solution).toMatchObject({
      question: 'Can I return a gift card I never used?',
      answer: 'Unused gift cards can be returned within 14 days for a full refund to the buyer.',
      sessionId: visitor.sessionId,
      version: 1,
    });
    // What staff type wins over what the conversation says.
    const reworded = await create({ sessionId: visitor.sessionId, messageId: reply.id, question: 'Are gift cards refundable?' });
    expect(reworded).toMatchObject({ question: 'Are gift cards refundable?', answer: solution.answer });
    expect((await staff.call('DELETE', one(reworded.id))).status).toBe(204);

    const next = await askAsNewVisitor('Can I return an unused gift card?');
    expect(next.text).toContain('within 14 days for a full refund');
    expect(next.sources[0]).toMatchObject({ title: 'Can I return a gift card I never used?', externalId: `solution:${solution.id}` });
    // The conversation it came from is untouched: saving sends nothing to the visitor.
    expect(lastAssistant(await history(visitor)).text).toBe(reply.text);
  });

  it('drafts the console’s copilot reply for the next visitor who asks it of staff, citing it', async () => {
    const solution = await create({ question: 'Can I collect my order in a shop?', answer: 'Yes: pick "Click and collect" at checkout and bring the order confirmation to any of our shops.' });
    const waiting = await visitorWaitingForStaff(t, 'How do I get a refund?', 'Could I pick up my order in one of your shops?');
    const draft = await readDraft(staff, waiting.sessionId);
    expect(textOf(draft.chunks)).toContain('Click and collect');
    expect(draft.chunks.find((c) => c.chunk.type === 'source-document')?.chunk).toMatchObject({ title: solution.question });
  });

  it('is the whole team’s: an owner edits what an agent saved', async () => {
    const owner = await signedInStaff(t.url, t.server.db, t.tenantId, 'owner@shop.example', 'owner');
    const solution = await create({ question: 'Do you sell gift vouchers?', answer: 'Yes, from 10 to 200 euros.' });
    const edited = await owner.call('PATCH', one(solution.id), { answer: 'Yes, from 10 to 500 euros.' });
    expect(edited.status).toBe(200);
    expect((await readJson<SolutionResponse>(edited)).solution).toMatchObject({ version: 2, updatedBy: expect.any(String) });
    const detail = await readJson<SolutionDetailResponse>(await staff.call('GET', one(solution.id)));
    expect(new Set(detail.versions.map((v) => v.createdBy)).size).toBe(2);
  });

  it('keeps every version when edited, and visitors get the new answer', async () => {
    const solution = await create({ question: 'Do you gift wrap orders?', answer: 'Gift wrapping costs 3 euros per parcel; tick the box at checkout.' });
    const edited = await staff.call('PATCH', one(solution.id), { answer: 'Gift wrapping is free since March; tick the gift box at checkout.' });
    expect(edited.status).toBe(200);
    expect((await readJson<SolutionResponse>(edited)).solution).toMatchObject({ version: 2, question: 'Do you gift wrap orders?', answer: expect.stringContaining('free since March') });
    const renamed = await staff.call('PATCH', one(solution.id), { question: 'Do you gift wrap parcels?' });
    expect((await readJson<SolutionResponse>(renamed)).solution.version).toBe(3);
    // The same text again makes no version.
    const same = await staff.call('PATCH', one(solution.id), { question: 'Do you gift wrap parcels?' });
    expect((await readJson<SolutionResponse>(same)).solution.version).toBe(3);

    const detail = await readJson<SolutionDetailResponse>(await staff.call('GET', one(solution.id)));
    expect(detail.solution.version).toBe(3);
    expect(detail.versions.map((v) => [v.version, v.question, v.answer.slice(0, 25)])).toEqual([
      [3, 'Do you gift wrap parcels?', 'Gift wrapping is free sin'],
      [2, 'Do you gift wrap orders?', 'Gift wrapping is free sin'],
      [1, 'Do you gift wrap orders?', 'Gift wrapping costs 3 eur'],
    ]);
    expect(detail.versions.every((v) => v.createdBy !== null)).toBe(true);

    const answer = await askAsNewVisitor('Can you gift wrap my parcel?');
    expect(answer.text).toContain('free since March');
    expect(answer.text).not.toContain('3 euros');
    expect(answer.sources[0]).toMatchObject({ title: 'Do you gift wrap parcels?', externalId: `solution:${solution.id}` });
  });

  it('is cited no more once deleted', async () => {
    const solution = await create({ question: 'Is there a student discount?', answer: 'Students get 15 percent off with a valid student card at checkout.' });
    expect((await askAsNewVisitor('Do you have a student discount?')).sources.map((s) => s.externalId)).toContain(`solution:${solution.id}`);
    const removed = await staff.call('DELETE', one(solution.id));
    expect(removed.status).toBe(204);
    expect((await staff.call('GET', one(solution.id))).status).toBe(404);
    expect((await staff.call('DELETE', one(solution.id))).status).toBe(404);
    const after = await askAsNewVisitor('Do you have a student discount?');
    expect(after.sources.map((s) => s.externalId)).not.toContain(`solution:${solution.id}`);
    expect(after.text).not.toContain('15 percent');
    const rows = await t.server.db.query('select 1 from documents where tenant_id = $1 and external_id = $2', [t.tenantId, `solution:${solution.id}`]);
    expect(rows).toHaveLength(0);
    const versions = await t.server.db.query('select 1 from solution_versions where tenant_id = $1 and solution_id = $2', [t.tenantId, solution.id]);
    expect(versions).toHaveLength(0);
  });

  it('carries no tags, so a search filtered to tags (an agent’s knowledge filter) leaves it out', async () => {
    const solution = await create({ question: 'Do you engrave watches?', answer: 'Engraving of up to 20 letters is free on every watch.' });
    const hits = await searchPassages(t.server.db, t.tenantId, 'engrave watch');
    expect(hits.map((h) => h.documentId)).toContain(solution.documentId);
    expect(await searchPassages(t.server.db, t.tenantId, 'engrave watch', { tags: ['sales'] })).toEqual([]);
  });

  it('lists the tenant’s solutions, most recently changed first, a page at a time', async () => {
    const first = await create({ question: 'Do you ship to Norway?', answer: 'Yes, Norway is one of the 40 countries we ship to.' });
    const second = await create({ question: 'Can I pay by invoice?', answer: 'Business customers can pay by invoice within 30 days.' });
    const list = await readJson<SolutionListResponse>(await staff.call('GET', SOLUTION_ROUTES.solutions));
    expect(list.solutions.slice(0, 2).map((s) => s.id)).toEqual([second.id, first.id]);
    expect(list.total).toBe(list.solutions.length);
    const page = await readJson<SolutionListResponse>(await staff.call('GET', `${SOLUTION_ROUTES.solutions}?limit=1&offset=1`));
    expect(page.solutions.map((s) => s.id)).toEqual([first.id]);
    expect(page.total).toBe(list.total);
  });
});

describe('refusals', () => {
  it('400s a bad body, query or id, naming the problem', async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      ['POST', SOLUTION_ROUTES.solutions, { answer: 'An answer.' }, /question/],
      ['POST', SOLUTION_ROUTES.solutions, { question: '  ', answer: 'An answer.' }, /question is empty/],
      ['POST', SOLUTION_ROUTES.solutions, { question: 'Why?', answer: 'x'.repeat(SOLUTION_LIMITS.maxAnswerChars + 1) }, /answer is longer than/],
      ['POST', SOLUTION_ROUTES.solutions, { question: 'x'.repeat(SOLUTION_LIMITS.maxQuestionChars + 1), answer: 'Because.' }, /question is longer than/],
      ['POST', SOLUTION_ROUTES.solutions, { question: 'Why?', answer: '' }, /answer is empty/],
      ['POST', SOLUTION_ROUTES.solutions, { question: 'Why?' }, /give question and answer, or sessionId and messageId/],
      ['POST', SOLUTION_ROUTES.solutions, { messageId: 'msg_abc' }, /messageId goes with the sessionId/],
      ['POST', SOLUTION_ROUTES.solutions, { sessionId: 'ses_abc', messageId: 'abc' }, /messageId is not a message id/],
      ['POST', SOLUTION_ROUTES.solutions, { question: 'Why?', answer: 'Because.', sessionId: 'nope' }, /sessionId is not a session id/],
      ['POST', SOLUTION_ROUTES.solutions, { question: 'Why?', answer: 'Because.', tags: ['x'] }, /tags|Unrecognized/i],
      ['PATCH', one('sol_whatever'), {}, /give question, answer or both/],
      ['PATCH', one('sol_whatever'), { answer: 42 }, /answer must be a string/],
      ['GET', one('not-an-id'), undefined, /solutionId/],
      ['GET', `${SOLUTION_ROUTES.solutions}?limit=0`, undefined, /limit must be at least 1/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await staff.call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect((await readJson(res)).error.message).toMatch(message);
    }
  });

  it('404s an unknown solution and a session that is not the tenant’s', async () => {
    expect((await staff.call('GET', one('sol_doesnotexist'))).status).toBe(404);
    expect((await staff.call('PATCH', one('sol_doesnotexist'), { answer: 'New.' })).status).toBe(404);
    const res = await staff.call('POST', SOLUTION_ROUTES.solutions, { question: 'Why?', answer: 'Because.', sessionId: 'ses_doesnotexist' });
    expect(res.status).toBe(404);
    expect((await readJson(res)).error.message).toMatch(/No conversation ses_doesnotexist/);
  });

  it('saves only a finished staff reply of that conversation', async () => {
    const visitor = await newVisitor(t);
    const answered = await readSse(await send(visitor, { text: 'How long does shipping take?' }));
    const [asked, botAnswer] = (await history(visitor)).messages;
    expect(botAnswer!.text).toBe(textOf(answered.chunks));
    const refusals: Array<[unknown, number, RegExp]> = [
      [{ sessionId: visitor.sessionId, messageId: asked!.id }, 400, /is the visitor’s: only a staff reply can be saved/],
      [{ sessionId: visitor.sessionId, messageId: botAnswer!.id }, 400, /is the bot’s: only a staff reply can be saved/],
      [{ sessionId: visitor.sessionId, messageId: 'msg_doesnotexist' }, 404, /No message msg_doesnotexist in conversation/],
    ];
    for (const [body, status, message] of refusals) {
      const res = await staff.call('POST', SOLUTION_ROUTES.solutions, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await readJson(res)).error.message).toMatch(message);
    }
    // A reply with no visitor message before it needs its question typed in.
    const silent = await newVisitor(t);
    const opened = await staff.call('POST', path(STAFF_ROUTES.conversationReplies, silent.sessionId), { text: 'Hi, anything we can help with?' });
    const greeting = (await readJson<StaffReplyResponse>(opened)).message;
    const res = await staff.call('POST', SOLUTION_ROUTES.solutions, { sessionId: silent.sessionId, messageId: greeting.id });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toMatch(/no visitor message precedes reply .*; give the question/);
  });

  it('keeps the admin API from writing a solution’s document behind its back', async () => {
    const res = await fetch(`${t.url}/v1/admin/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalId: 'solution:sol_forged', title: 'Forged', content: 'Forged answer.' }),
    });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toMatch(/"solution:" are the console's solutions/);
  });

  it('needs the CSRF token to change anything', async () => {
    const res = await staff.call('POST', SOLUTION_ROUTES.solutions, { question: 'Why?', answer: 'Because.' }, { csrf: null });
    expect(res.status).toBe(403);
  });
});

describe('tenant isolation', () => {
  it('another tenant’s staff can neither read, list, change nor delete a solution, and its visitors are not answered with it', async () => {
    const solution = await create({ question: 'Do you repair broken umbrellas?', answer: 'We repair any umbrella bought from us for free within two years.' });
    const mine = await newVisitor(t);
    await readSse(await send(mine, { text: 'Do you repair umbrellas?' }));

    expect((await otherStaff.call('GET', one(solution.id))).status).toBe(404);
    expect((await otherStaff.call('PATCH', one(solution.id), { answer: 'Hijacked.' })).status).toBe(404);
    expect((await otherStaff.call('DELETE', one(solution.id))).status).toBe(404);
    const theirs = await readJson<SolutionListResponse>(await otherStaff.call('GET', SOLUTION_ROUTES.solutions));
    expect(theirs.solutions.map((s) => s.id)).not.toContain(solution.id);
    // Saving a solution from this tenant's conversation is refused as if it did not exist.
    const linked = await otherStaff.call('POST', SOLUTION_ROUTES.solutions, { question: 'Why?', answer: 'Because.', sessionId: mine.sessionId });
    expect(linked.status).toBe(404);
    // Nor from one of its staff replies: the reply's text never reaches the other tenant.
    const reply = await staff.call('POST', path(STAFF_ROUTES.conversationReplies, mine.sessionId), { text: 'Bring it to any of our shops.' });
    const replyId = (await readJson<StaffReplyResponse>(reply)).message.id;
    const fromReply = await otherStaff.call('POST', SOLUTION_ROUTES.solutions, { sessionId: mine.sessionId, messageId: replyId });
    expect(fromReply.status).toBe(404);
    expect(await fromReply.text()).not.toContain('Bring it to');

    // Untouched for its own tenant.
    const detail = await readJson<SolutionDetailResponse>(await staff.call('GET', one(solution.id)));
    expect(detail.solution).toMatchObject({ version: 1, answer: solution.answer });
    expect(detail.versions).toHaveLength(1);
    const other = await askAsNewVisitor('Do you repair broken umbrellas?', otherKey);
    expect(other.sources.some(isSolutionCitation)).toBe(false);
    expect(other.text).not.toContain('umbrella bought from us');
    expect((await askAsNewVisitor('Do you repair broken umbrellas?')).text).toContain('umbrella bought from us');
  });
});
