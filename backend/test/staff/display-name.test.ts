import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inboxConversationResponseSchema,
  STAFF_INBOX_ROUTES,
  STAFF_LIMITS,
  STAFF_ROUTES,
  staffAccountResponseSchema,
  staffReplyResponseSchema,
  staffSessionResponseSchema,
  staffTeamResponseSchema,
} from '@prex/protocol';
import { readJson } from '../helpers/app.js';
import { history, newVisitor, type Visitor } from '../helpers/chat.js';
import { ask, inboxPath } from '../helpers/inbox.js';
import { signedInStaff, startStaffWorkspaces, type StaffBrowser, type StaffWorkspaces } from '../helpers/staff.js';

/**
 * A staff member names themselves on the Account page (PATCH /v1/staff/me); the team sees the name
 * in the team list, notes and inbox, and the visitor sees it on the member's replies — never the
 * member's email, whatever name the console might send.
 */

let w: StaffWorkspaces;
beforeAll(async () => {
  w = await startStaffWorkspaces('names');
});
afterAll(async () => {
  await w?.app.close();
});

const setName = (browser: StaffBrowser, name: unknown) => browser.call('PATCH', STAFF_ROUTES.me, { name });

async function visitorAsking(text: string): Promise<Visitor> {
  const visitor = await newVisitor({ url: w.app.url, publishableKey: w.app.publishableKey });
  await ask(visitor, text);
  return visitor;
}

describe('setting one’s display name', { timeout: 120_000 }, () => {
  it('the account sets, changes and removes its own name; the session and the team list show it', async () => {
    const res = await setName(w.agent, '  Dana Scully ');
    expect(res.status).toBe(200);
    expect(staffAccountResponseSchema.parse(await readJson(res)).account).toMatchObject({ email: 'agent@names.example', name: 'Dana Scully' });
    expect(staffSessionResponseSchema.parse(await readJson(await w.agent.call('GET', STAFF_ROUTES.me))).account.name).toBe('Dana Scully');
    const team = staffTeamResponseSchema.parse(await readJson(await w.owner.call('GET', STAFF_ROUTES.team)));
    expect(team.accounts.find((a) => a.email === 'agent@names.example')?.name).toBe('Dana Scully');

    expect((await setName(w.agent, 'Dana')).status).toBe(200);
    const cleared = await setName(w.agent, null);
    expect(cleared.status).toBe(200);
    expect(staffAccountResponseSchema.parse(await readJson(cleared)).account.name).toBeUndefined();
    expect(staffSessionResponseSchema.parse(await readJson(await w.agent.call('GET', STAFF_ROUTES.me))).account.name).toBeUndefined();
  });

  it('refuses an empty, too long or control-character name with a 400 naming the problem, and keeps the old name', async () => {
    expect((await setName(w.admin, 'Fox')).status).toBe(200);
    const cases: [unknown, RegExp][] = [
      ['   ', /name is empty/],
      ['x'.repeat(STAFF_LIMITS.maxNameChars + 1), /longer than 100/],
      ['Fox\nMulder', /control character/],
      ['Fox\u0007', /control character/],
      ['Fox\u0000', /NUL character/],
      ['\u202Eredlum', /control character/],
      [42, /name must be a string/],
    ];
    for (const [name, message] of cases) {
      const res = await setName(w.admin, name);
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(JSON.stringify(await readJson(res))).toMatch(message);
    }
    const missing = await w.admin.call('PATCH', STAFF_ROUTES.me, {});
    expect(missing.status).toBe(400);
    const extra = await w.admin.call('PATCH', STAFF_ROUTES.me, { name: 'Fox', email: 'evil@names.example' });
    expect(extra.status).toBe(400);
    const me = staffSessionResponseSchema.parse(await readJson(await w.admin.call('GET', STAFF_ROUTES.me))).account;
    expect(me).toMatchObject({ name: 'Fox', email: 'admin@names.example' });
    // The database holds the same rule, whatever writes to it.
    await expect(w.app.db.query(`update staff_accounts set name = 'Fox' || chr(10) where email = 'admin@names.example'`)).rejects.toThrow(/staff_accounts_name_check/);
  });

  it('needs a session and the CSRF token', async () => {
    expect((await fetch(`${w.app.url}${STAFF_ROUTES.me}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"name":"X"}' })).status).toBe(401);
    expect((await w.owner.call('PATCH', STAFF_ROUTES.me, { name: 'X' }, { csrf: null })).status).toBe(403);
  });

  it('names only the caller’s own account in its own workspace: another tenant’s staff changes nothing here', async () => {
    expect((await setName(w.owner, 'Walter')).status).toBe(200);
    expect((await setName(w.otherOwner, 'Intruder')).status).toBe(200);
    const team = staffTeamResponseSchema.parse(await readJson(await w.owner.call('GET', STAFF_ROUTES.team)));
    expect(team.accounts.map((a) => a.name)).not.toContain('Intruder');
    expect(team.accounts.find((a) => a.email === 'owner@names.example')?.name).toBe('Walter');
    // The other workspace's staff cannot reply in this workspace's conversation under any name.
    const visitor = await visitorAsking('Is anyone there?');
    const foreign = await w.otherOwner.call('POST', inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId }), { text: 'Hello from elsewhere' });
    expect(foreign.status).toBe(404);
    expect((await history(visitor)).messages.map((m) => m.text)).not.toContain('Hello from elsewhere');
  });
});

describe('where the name shows', { timeout: 120_000 }, () => {
  it('the visitor sees the replying account’s name, not the staffName the request sent, and never an email', async () => {
    const member = await signedInStaff(w.app.url, w.app.db, w.app.tenant.id, 'kim.reyes@names.example', 'agent');
    expect((await setName(member, 'Kim')).status).toBe(200);
    const visitor = await visitorAsking('Can a person help me?');
    const replies = inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId });
    const reply = await member.call('POST', replies, { text: 'Kim here, happy to help.', staffName: 'kim.reyes@names.example' });
    expect(reply.status).toBe(201);
    expect(staffReplyResponseSchema.parse(await readJson(reply)).message.authorName).toBe('Kim');

    const seen = await history(visitor);
    expect(seen.messages.at(-1)).toMatchObject({ role: 'assistant', author: 'human', authorName: 'Kim', text: 'Kim here, happy to help.' });
    expect(JSON.stringify(seen)).not.toContain('@names.example');
  });

  it('an account without a name replies unsigned: the widget shows the workspace’s label, and the email stays out', async () => {
    const member = await signedInStaff(w.app.url, w.app.db, w.app.tenant.id, 'nameless@names.example', 'agent');
    const visitor = await visitorAsking('Hello?');
    const reply = await member.call('POST', inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId }), { text: 'We are on it.' });
    expect(reply.status).toBe(201);
    const last = (await history(visitor)).messages.at(-1)!;
    expect(last).toMatchObject({ author: 'human', text: 'We are on it.' });
    expect(last.authorName).toBeUndefined();
    expect(JSON.stringify(last)).not.toContain('nameless');
  });

  it('an account without a name cannot sign a reply as someone else through the body', async () => {
    const member = await signedInStaff(w.app.url, w.app.db, w.app.tenant.id, 'unnamed@names.example', 'agent');
    const visitor = await visitorAsking('Who is there?');
    const replies = inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: visitor.sessionId });
    const reply = await member.call('POST', replies, { text: 'Your manager here.', staffName: 'The CEO' });
    expect(reply.status).toBe(201);
    const last = (await history(visitor)).messages.at(-1)!;
    expect(last).toMatchObject({ author: 'human', text: 'Your manager here.' });
    expect(last.authorName).toBeUndefined();
  });

  it('notes and the inbox show the author’s current name to the team', async () => {
    const member = await signedInStaff(w.app.url, w.app.db, w.app.tenant.id, 'noter@names.example', 'agent');
    const visitor = await visitorAsking('A question for the team');
    const notePath = inboxPath(STAFF_INBOX_ROUTES.notes, { sessionId: visitor.sessionId });
    expect((await member.call('POST', notePath, { text: 'Written before I had a name' })).status).toBe(201);
    expect((await setName(member, 'Nora')).status).toBe(200);
    const assign = await member.call('PATCH', inboxPath(STAFF_INBOX_ROUTES.conversation, { sessionId: visitor.sessionId }), { assigneeId: staffSessionResponseSchema.parse(await readJson(await member.call('GET', STAFF_ROUTES.me))).account.id });
    expect(assign.status).toBe(200);
    const details = inboxConversationResponseSchema.parse(await readJson(await member.call('GET', inboxPath(STAFF_INBOX_ROUTES.conversation, { sessionId: visitor.sessionId }))));
    expect(details.notes.map((n) => n.author)).toEqual([expect.objectContaining({ email: 'noter@names.example', name: 'Nora' })]);
    expect(details.conversation.assignee).toMatchObject({ email: 'noter@names.example', name: 'Nora' });
  });
});
