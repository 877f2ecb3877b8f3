import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffConfirmPath, ROUTES, type AdminConversationResponse, type AdminEscalation, type Escalation } from '@prex/protocol';
import { insertUserMessage } from '../../src/conversations/messages.js';
import { newId } from '../../src/ids.js';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { history, newVisitor, type Visitor } from '../helpers/chat.js';
import { proposeByTool } from '../helpers/handoff.js';

/**
 * Human handoff over HTTP against a real server and PGlite: the visitor's requests and answers to
 * the agent's proposals, and the tenant's team working the escalations and replying.
 */

let app: TestApp;
let otherApp: TestApp;

beforeAll(async () => {
  app = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  otherApp = await startTestApp({ db: app.db, env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
});

afterAll(async () => {
  await otherApp.close();
  await app.close();
});

const visitorOf = (t: TestApp) => newVisitor({ url: t.url, publishableKey: t.publishableKey });

function visitorPost(v: Visitor, path: string, body: unknown): Promise<Response> {
  return fetch(`${v.url}${path}`, { method: 'POST', headers: { ...v.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
const current = async (v: Visitor) => (await readJson<{ escalation: Escalation | null }>(await fetch(`${v.url}${ROUTES.handoffCurrent}`, { headers: v.headers }))).escalation;

function admin(t: TestApp, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  return t.request(path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${t.secretKey}`, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
}

describe('visitor: asking for a person', () => {
  it('opens an escalation (201), and returns the same open one when asked again (200)', async () => {
    const v = await visitorOf(app);
    expect(await current(v)).toBeNull();
    const first = await visitorPost(v, ROUTES.handoff, { reason: 'My parcel arrived broken' });
    expect(first.status).toBe(201);
    const { escalation } = await readJson<{ escalation: Escalation }>(first);
    expect(escalation).toEqual({ id: expect.stringMatching(/^esc_/), status: 'open', reason: 'My parcel arrived broken', source: 'visitor', createdAt: expect.any(String) });

    const again = await visitorPost(v, ROUTES.handoff, {});
    expect(again.status).toBe(200);
    expect((await readJson(again)).escalation.id).toBe(escalation.id);
    expect(await current(v)).toEqual(escalation);
  });

  it('files only one escalation when two requests race', async () => {
    const v = await visitorOf(app);
    const responses = await Promise.all([visitorPost(v, ROUTES.handoff, {}), visitorPost(v, ROUTES.handoff, {})]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 201]);
    const rows = await app.db.query('select id from escalations where tenant_id = $1 and session_id = $2', [app.tenant.id, v.sessionId]);
    expect(rows).toHaveLength(1);
  });

  it('rejects a bad body with a message', async () => {
    const v = await visitorOf(app);
    const long = await visitorPost(v, ROUTES.handoff, { reason: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect((await readJson(long)).error.message).toMatch(/reason is longer than 500/);
    const extra = await visitorPost(v, ROUTES.handoff, { reason: 'ok', priority: 'urgent' });
    expect(extra.status).toBe(400);
    expect(await current(v)).toBeNull();
  });

  it('needs a valid session of the key\'s tenant', async () => {
    const res = await fetch(`${app.url}${ROUTES.handoff}`, { method: 'POST', headers: { 'x-prex-key': app.publishableKey, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });

  it('is rate limited like the other public routes', async () => {
    const limited = await startTestApp({ db: app.db, env: { PREX_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const v = await visitorOf(limited); // request 1
      await current(v); // 2
      await current(v); // 3
      const res = await visitorPost(v, ROUTES.handoff, {});
      expect(res.status).toBe(429);
      expect((await readJson(res)).error.code).toBe('rate_limited');
    } finally {
      await limited.close();
    }
  });
});

describe('visitor: answering the agent\'s proposal', () => {
  it('accepting opens it; answering twice is a 409', async () => {
    const v = await visitorOf(app);
    const escalationId = await proposeByTool(app, v);
    expect(await current(v)).toMatchObject({ id: escalationId, status: 'proposed', source: 'tool', reason: 'Needs a refund exception' });

    const yes = await visitorPost(v, handoffConfirmPath(escalationId), { accept: true });
    expect(yes.status).toBe(200);
    expect((await readJson(yes)).escalation).toMatchObject({ id: escalationId, status: 'open' });

    const twice = await visitorPost(v, handoffConfirmPath(escalationId), { accept: false });
    expect(twice.status).toBe(409);
    expect((await readJson(twice)).error.message).toMatch(/is open, not waiting for confirmation/);
  });

  it('declining closes it, and the agent may propose again later', async () => {
    const v = await visitorOf(app);
    const escalationId = await proposeByTool(app, v);
    const no = await visitorPost(v, handoffConfirmPath(escalationId), { accept: false });
    expect((await readJson(no)).escalation.status).toBe('declined');
    expect(await current(v)).toBeNull();
    expect(await proposeByTool(app, v, 'Asked again')).not.toBe(escalationId);
  });

  it('asking for a person while a proposal waits opens that proposal', async () => {
    const v = await visitorOf(app);
    const escalationId = await proposeByTool(app, v);
    const res = await visitorPost(v, ROUTES.handoff, {});
    expect(res.status).toBe(201);
    expect((await readJson(res)).escalation).toMatchObject({ id: escalationId, status: 'open', source: 'tool' });
  });

  it('another conversation or tenant cannot answer it (404), and nothing changes', async () => {
    const owner = await visitorOf(app);
    const escalationId = await proposeByTool(app, owner);
    const sameTenant = await visitorOf(app);
    expect((await visitorPost(sameTenant, handoffConfirmPath(escalationId), { accept: true })).status).toBe(404);
    const otherTenant = await visitorOf(otherApp);
    expect((await visitorPost(otherTenant, handoffConfirmPath(escalationId), { accept: true })).status).toBe(404);
    expect(await current(owner)).toMatchObject({ id: escalationId, status: 'proposed' });
  });

  it('rejects a malformed id or answer with a 400', async () => {
    const v = await visitorOf(app);
    const escalationId = await proposeByTool(app, v);
    expect((await visitorPost(v, handoffConfirmPath('not-an-id'), { accept: true })).status).toBe(400);
    const noAnswer = await visitorPost(v, handoffConfirmPath(escalationId), { accept: 'yes' });
    expect(noAnswer.status).toBe(400);
    expect((await readJson(noAnswer)).error.message).toMatch(/accept must be true or false/);
  });
});

describe('admin: escalations', () => {
  it('lists the tenant\'s escalations by status, newest first, never another tenant\'s', async () => {
    const v = await visitorOf(app);
    const question = await insertUserMessage(app.db, { tenantId: app.tenant.id, sessionId: v.sessionId, text: 'Nobody answers my emails' });
    const opened = (await readJson((await visitorPost(v, ROUTES.handoff, { reason: 'list me' })))).escalation as Escalation;
    const elsewhere = await visitorOf(otherApp);
    await visitorPost(elsewhere, ROUTES.handoff, { reason: 'other tenant' });

    const res = await admin(app, '/v1/admin/escalations?status=open');
    expect(res.status).toBe(200);
    const { escalations } = await readJson<{ escalations: AdminEscalation[] }>(res);
    expect(escalations[0]).toEqual({ ...opened, sessionId: v.sessionId, messageId: question.id, customerId: null, updatedAt: expect.any(String) });
    expect(escalations.every((e) => e.status === 'open')).toBe(true);
    expect(escalations.map((e) => e.reason)).not.toContain('other tenant');

    const bad = await admin(app, '/v1/admin/escalations?status=closed');
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).error.message).toMatch(/status/);
  });

  it('resolves an open one (idempotently); a new request afterwards opens a new escalation', async () => {
    const v = await visitorOf(app);
    const { escalation } = await readJson<{ escalation: Escalation }>(await visitorPost(v, ROUTES.handoff, {}));
    const path = `/v1/admin/escalations/${escalation.id}`;
    const resolved = await admin(app, path, { method: 'PATCH', body: { status: 'resolved' } });
    expect(resolved.status).toBe(200);
    expect((await readJson(resolved)).escalation).toMatchObject({ id: escalation.id, status: 'resolved' });
    expect((await admin(app, path, { method: 'PATCH', body: { status: 'resolved' } })).status).toBe(200);
    expect(await current(v)).toBeNull();

    const next = await visitorPost(v, ROUTES.handoff, {});
    expect(next.status).toBe(201);
    expect((await readJson(next)).escalation.id).not.toBe(escalation.id);
  });

  it('refuses other statuses (400), declined ones (409) and other tenants\' (404)', async () => {
    const v = await visitorOf(app);
    const declinedId = await proposeByTool(app, v);
    await visitorPost(v, handoffConfirmPath(declinedId), { accept: false });
    expect((await admin(app, `/v1/admin/escalations/${declinedId}`, { method: 'PATCH', body: { status: 'resolved' } })).status).toBe(409);

    const { escalation } = await readJson<{ escalation: Escalation }>(await visitorPost(v, ROUTES.handoff, {}));
    const reopen = await admin(app, `/v1/admin/escalations/${escalation.id}`, { method: 'PATCH', body: { status: 'open' } });
    expect(reopen.status).toBe(400);
    expect((await readJson(reopen)).error.message).toMatch(/status must be "resolved"/);
    expect((await admin(otherApp, `/v1/admin/escalations/${escalation.id}`, { method: 'PATCH', body: { status: 'resolved' } })).status).toBe(404);
    expect(await current(v)).toMatchObject({ id: escalation.id, status: 'open' });
  });
});

describe('admin: conversations and staff replies', () => {
  it('shows every message with author, label, tool calls and feedback, plus escalations and the customer', async () => {
    const v = await visitorOf(app);
    const escalationId = await proposeByTool(app, v, 'Wants a person');
    const toolCalls = [{ id: 'call_1', name: 'handoff_to_human', arguments: { reason: 'Wants a person' }, status: 'needs-confirmation', result: { escalationId }, at: new Date().toISOString() }];
    const answerId = newId('msg');
    await app.db.query(
      `insert into messages (id, tenant_id, session_id, role, text, status, agent_id, tool_calls, feedback_rating, feedback_comment, marked_good, finished_at)
       values ($1, $2, $3, 'assistant', 'Shall I get a person?', 'complete', 'agt_support', $4::jsonb, 'down', 'slow', true, now())`,
      [answerId, app.tenant.id, v.sessionId, JSON.stringify(toolCalls)],
    );
    await app.db.query(`update messages set label = 'complaint', label_source = 'rules' where tenant_id = $1 and session_id = $2 and role = 'user'`, [app.tenant.id, v.sessionId]);
    const customerId = newId('cus');
    await app.db.query(`insert into customers (id, tenant_id, email) values ($1, $2, 'dana@example.com')`, [customerId, app.tenant.id]);
    await app.db.query(`update sessions set customer_id = $3 where tenant_id = $1 and id = $2`, [app.tenant.id, v.sessionId, customerId]);

    const res = await admin(app, `/v1/admin/conversations/${v.sessionId}`);
    expect(res.status).toBe(200);
    const view = await readJson<AdminConversationResponse>(res);
    expect(view.customerId).toBe(customerId);
    expect(view.messages).toEqual([
      expect.objectContaining({ role: 'user', text: 'Can I get a refund after 60 days?', label: 'complaint', labelSource: 'rules', toolCalls: [], markedGood: false }),
      expect.objectContaining({ id: answerId, role: 'assistant', author: 'bot', agentId: 'agt_support', toolCalls, feedback: { rating: 'down', comment: 'slow' }, markedGood: true }),
    ]);
    expect(view.escalations).toEqual([expect.objectContaining({ id: escalationId, status: 'proposed', customerId })]);
  });

  it('a staff reply is stored as written by a human and shows in the tenant\'s view', async () => {
    const v = await visitorOf(app);
    const res = await admin(app, `/v1/admin/conversations/${v.sessionId}/replies`, { method: 'POST', body: { text: '  Hi, Sam from support here.  ' } });
    expect(res.status).toBe(201);
    const { message } = await readJson(res);
    expect(message).toMatchObject({ role: 'assistant', author: 'human', text: 'Hi, Sam from support here.', status: 'complete' });
    const view = await readJson<AdminConversationResponse>(await admin(app, `/v1/admin/conversations/${v.sessionId}`));
    expect(view.messages.map((m) => [m.author, m.text])).toEqual([['human', 'Hi, Sam from support here.']]);
  });

  it('the visitor sees the staff reply in their history as from a human', async () => {
    const v = await visitorOf(app);
    await admin(app, `/v1/admin/conversations/${v.sessionId}/replies`, { method: 'POST', body: { text: 'A person is here.' } });
    const { messages } = await history(v);
    expect(messages).toEqual([expect.objectContaining({ role: 'assistant', text: 'A person is here.', status: 'complete', author: 'human' })]);
  });

  it('never reads or writes another tenant\'s conversation (404) and validates the reply', async () => {
    const v = await visitorOf(app);
    expect((await admin(otherApp, `/v1/admin/conversations/${v.sessionId}`)).status).toBe(404);
    expect((await admin(otherApp, `/v1/admin/conversations/${v.sessionId}/replies`, { method: 'POST', body: { text: 'intruder' } })).status).toBe(404);
    expect((await admin(app, '/v1/admin/conversations/ses_doesNotExist')).status).toBe(404);
    expect((await admin(app, '/v1/admin/conversations/bad%20id')).status).toBe(400);
    const empty = await admin(app, `/v1/admin/conversations/${v.sessionId}/replies`, { method: 'POST', body: { text: '   ' } });
    expect(empty.status).toBe(400);
    expect((await readJson(empty)).error.message).toMatch(/text is empty/);
    expect((await history(v)).messages).toEqual([]);
  });

  it('needs the secret key', async () => {
    const v = await visitorOf(app);
    expect((await app.request(`/v1/admin/conversations/${v.sessionId}`)).status).toBe(401);
    expect((await app.request('/v1/admin/escalations', { headers: { authorization: `Bearer ${app.publishableKey}` } })).status).toBe(401);
  });
});
