import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPILOT_LIMITS, uiStreamChunkSchema } from '@prex/protocol';
import { makeTenant, readJson } from '../helpers/app.js';
import { history, newVisitor, readSse, send, shapeOf, startChatTestServer, textOf, type ChatTestServer, type Visitor } from '../helpers/chat.js';
import { readDraft, requestDraft, visitorWaitingForStaff } from '../helpers/copilot.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's copilot with no model configured: a real server on PGlite with the test knowledge
 * base, staff signed in with a real cookie, drafts read as the console reads an answer stream.
 */

let t: ChatTestServer;
let staff: StaffBrowser;
let visitor: Visitor;

beforeAll(async () => {
  t = await startChatTestServer();
  staff = await signedInStaff(t.url, t.server.db, t.tenantId, 'agent@shop.example', 'agent');
  visitor = await visitorWaitingForStaff(t, 'How do I get a refund?', 'My password reset link expired. How long does the reset link stay valid?');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const messageCount = async (sessionId: string) =>
  Number((await t.server.db.query<{ n: number }>('select count(*)::int as n from messages where tenant_id = $1 and session_id = $2', [t.tenantId, sessionId]))[0]!.n);

describe('POST /v1/staff/conversations/:sessionId/draft, extractive', () => {
  it('drafts a reply to the message waiting for staff from the knowledge base, with its citation, in the answer stream’s format', async () => {
    const before = await history(visitor);
    const read = await readDraft(staff, visitor.sessionId);

    expect(read.done).toBe(true);
    for (const { chunk } of read.chunks) expect(uiStreamChunkSchema.safeParse(chunk).success).toBe(true);
    expect(shapeOf(read.chunks)).toEqual(['start', 'data-prex-meta', 'text-start', 'text-delta', 'text-end', 'source-document', 'finish']);
    const start = read.chunks[0]!.chunk;
    expect(start.type === 'start' && start.messageId).toMatch(/^drf_/);
    // The question is the visitor's message since the bot's last answer (the one waiting for staff).
    const waiting = before.messages.at(-1)!;
    expect(waiting).toMatchObject({ role: 'user', text: expect.stringContaining('reset link') });
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { sessionId: visitor.sessionId, userMessageId: waiting.id, answerer: 'extractive', grounded: true } });
    expect(textOf(read.chunks)).toContain('one hour');
    expect(textOf(read.chunks)).toContain('[1]');
    expect(read.chunks.find((c) => c.chunk.type === 'source-document')!.chunk).toMatchObject({ title: 'Account access' });
  });

  it('is never stored nor shown to the visitor', async () => {
    const before = await history(visitor);
    const count = await messageCount(visitor.sessionId);
    const read = await readDraft(staff, visitor.sessionId, { instruction: 'shorter' });
    expect(textOf(read.chunks)).toContain('one hour');
    const after = await history(visitor);
    expect(after.messages).toEqual(before.messages);
    expect(await messageCount(visitor.sessionId)).toBe(count);
    expect(after.messages.some((m) => m.text.includes(textOf(read.chunks)))).toBe(false);
  });

  it('drafts again for the visitor’s latest messages once a reply was sent', async () => {
    const v = await newVisitor(t);
    await readSse(await send(v, { text: 'How long does shipping take?' }));
    const read = await readDraft(staff, v.sessionId);
    expect(textOf(read.chunks)).toMatch(/business days/);
    expect(read.chunks.at(-1)!.chunk.type).toBe('finish');
  });

  it('accepts no body, an empty JSON body and an instruction', async () => {
    for (const body of [undefined, {}, { instruction: 'apologise for the wait' }]) {
      const res = await requestDraft(staff, visitor.sessionId, body);
      expect(res.status).toBe(200);
      await res.body?.cancel();
    }
  });
});

describe('refusals', () => {
  it('answers a short question asked after a request for a person: asking for a human names no topic to lean on', async () => {
    const v = await newVisitor(t);
    await readSse(await send(v, { text: 'I want to speak to a person' }));
    // "refund" alone reads as a follow-up; the request before it must not pull its search away.
    await readSse(await send(v, { text: 'How do I get a refund?' }));
    const read = await readDraft(staff, v.sessionId);
    expect(read.chunks[1]!.chunk).toMatchObject({ data: { answerer: 'extractive', grounded: true } });
    expect(textOf(read.chunks)).toMatch(/refund within 30 days/);
  });

  it('400s for a bad session id or body, naming what is wrong', async () => {
    const badId = await requestDraft(staff, 'not-a-session');
    expect(badId.status).toBe(400);
    expect((await readJson(badId)).error.message).toMatch(/sessionId/);
    const cases: Array<[unknown, RegExp]> = [
      [{ instruction: 5 }, /instruction must be a string/],
      [{ instruction: 'x'.repeat(COPILOT_LIMITS.maxInstructionChars + 1) }, /instruction is longer than/],
      [{ tone: 'friendly' }, /tone|Unrecognized/i],
      [['shorter'], /Invalid draft request/],
    ];
    for (const [body, message] of cases) {
      const res = await requestDraft(staff, visitor.sessionId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await readJson(res)).error.message).toMatch(message);
    }
    const text = await requestDraft(staff, visitor.sessionId, undefined, { headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(200);
    await text.body?.cancel();
  });

  it('400s a body that is not JSON', async () => {
    const res = await fetch(`${t.url}/v1/staff/conversations/${visitor.sessionId}/draft`, {
      method: 'POST',
      headers: { cookie: `prex_staff=${staff.cookie}`, 'x-prex-csrf': staff.csrfToken!, 'content-type': 'text/plain' },
      body: 'shorter please',
    });
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toMatch(/JSON body/);
  });

  it('404s for an unknown session and for another tenant’s, 409 before the visitor wrote anything', async () => {
    const unknown = await requestDraft(staff, 'ses_doesnotexist');
    expect(unknown.status).toBe(404);
    const other = await makeTenant(t.server.db, 'Other shop');
    const stranger = await newVisitor({ url: t.url, publishableKey: other.publishableKey });
    await readSse(await send(stranger, { text: 'How do I get a refund?' }));
    const theirs = await requestDraft(staff, stranger.sessionId);
    expect(theirs.status).toBe(404);
    expect(await readJson(theirs)).not.toHaveProperty('chunks');
    const silent = await newVisitor(t);
    const nothing = await requestDraft(staff, silent.sessionId);
    expect(nothing.status).toBe(409);
  });

  it('needs the staff cookie and the CSRF token', async () => {
    expect((await requestDraft(staff, visitor.sessionId, {}, { csrf: null })).status).toBe(403);
    const res = await fetch(`${t.url}/v1/staff/conversations/${visitor.sessionId}/draft`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});
