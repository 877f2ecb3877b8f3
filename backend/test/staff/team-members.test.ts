import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_INBOX_ROUTES, STAFF_ROUTES, type InboxConversationResponse, type StaffAccountResponse, type StaffTeamResponse } from '@prex/protocol';
import { createSessionOver, makeTenant, readJson } from '../helpers/app.js';
import { makeStaff, signedInStaff, startStaffWorkspaces, staffBrowser, type StaffBrowser, type StaffWorkspaces } from '../helpers/staff.js';

/**
 * Owners change roles and remove accounts, admins remove agents, and the workspace always keeps an
 * owner. A removed account is signed out at once; what it wrote stays.
 */

let w: StaffWorkspaces;
beforeAll(async () => {
  w = await startStaffWorkspaces('members');
});
afterAll(async () => {
  await w?.app.close();
});

const accountPath = (id: string) => STAFF_ROUTES.teamAccount.replace(':accountId', id);
const invitePath = (id: string) => STAFF_ROUTES.invite.replace(':inviteId', id);

async function teamOf(browser: StaffBrowser): Promise<StaffTeamResponse> {
  const res = await browser.call('GET', STAFF_ROUTES.team);
  expect(res.status).toBe(200);
  return readJson<StaffTeamResponse>(res);
}

async function idOf(email: string): Promise<string> {
  const account = (await teamOf(w.owner)).accounts.find((a) => a.email === email);
  if (!account) throw new Error(`${email} is not on the team`);
  return account.id;
}

/** A new signed-in account of the first workspace. */
const newMember = (email: string, role: 'owner' | 'admin' | 'agent') => signedInStaff(w.app.url, w.app.db, w.app.tenant.id, email, role);

describe('changing roles', { timeout: 120_000 }, () => {
  it('an owner makes an agent an admin, and the agent’s open session has the new role at once', async () => {
    const member = await newMember('promoted@members.example', 'agent');
    expect((await member.call('GET', STAFF_ROUTES.team)).status).toBe(403);
    const res = await w.owner.call('PATCH', accountPath(await idOf('promoted@members.example')), { role: 'admin' });
    expect(res.status).toBe(200);
    expect((await readJson<StaffAccountResponse>(res)).account).toMatchObject({ email: 'promoted@members.example', role: 'admin' });
    expect((await member.call('GET', STAFF_ROUTES.team)).status).toBe(200);
  });

  it('only an owner changes roles', async () => {
    const target = await idOf(`agent@members.example`);
    for (const browser of [w.admin, w.agent]) {
      const res = await browser.call('PATCH', accountPath(target), { role: 'owner' });
      expect(res.status).toBe(403);
    }
    expect((await teamOf(w.owner)).accounts.find((a) => a.id === target)?.role).toBe('agent');
  });

  it('the only owner cannot step down; with a second owner, they can', async () => {
    const { tenant } = await makeTenant(w.app.db, 'Solo');
    const first = await signedInStaff(w.app.url, w.app.db, tenant.id, 'first@solo.example', 'owner');
    const second = await signedInStaff(w.app.url, w.app.db, tenant.id, 'second@solo.example', 'agent');
    const team = await teamOf(first);
    const [firstId, secondId] = ['first@solo.example', 'second@solo.example'].map((e) => team.accounts.find((a) => a.email === e)!.id) as [string, string];

    const refused = await first.call('PATCH', accountPath(firstId), { role: 'admin' });
    expect(refused.status).toBe(409);
    expect((await readJson(refused)).error.message).toMatch(/only owner/);

    expect((await first.call('PATCH', accountPath(secondId), { role: 'owner' })).status).toBe(200);
    expect((await first.call('PATCH', accountPath(firstId), { role: 'admin' })).status).toBe(200);
    // The new owner runs the team now; the one who stepped down is an admin and cannot change roles.
    expect((await first.call('PATCH', accountPath(secondId), { role: 'agent' })).status).toBe(403);
    expect((await teamOf(second)).accounts.map((a) => [a.email, a.role])).toEqual([
      ['first@solo.example', 'admin'],
      ['second@solo.example', 'owner'],
    ]);
  });

  it('says what is wrong with a bad role or an unknown account', async () => {
    const target = await idOf('agent@members.example');
    const bad = await w.owner.call('PATCH', accountPath(target), { role: 'boss' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await readJson(bad))).toContain('role must be');
    const extra = await w.owner.call('PATCH', accountPath(target), { role: 'agent', email: 'x@y.example' });
    expect(extra.status).toBe(400);
    expect((await w.owner.call('PATCH', accountPath('stf_nobody'), { role: 'agent' })).status).toBe(404);
  });
});

describe('removing accounts', { timeout: 120_000 }, () => {
  it('an owner removes an agent: signed out at once, their assignment cleared, their note kept with its email', async () => {
    const leaver = await newMember('leaver@members.example', 'agent');
    const leaverId = await idOf('leaver@members.example');
    const { sessionId } = await createSessionOver(w.app);
    const conversation = STAFF_INBOX_ROUTES.conversation.replace(':sessionId', sessionId);
    expect((await w.owner.call('PATCH', conversation, { assigneeId: leaverId })).status).toBe(200);
    expect((await leaver.call('POST', STAFF_INBOX_ROUTES.notes.replace(':sessionId', sessionId), { text: 'Called them back' })).status).toBe(201);

    expect((await w.owner.call('DELETE', accountPath(leaverId))).status).toBe(204);

    expect((await leaver.call('GET', STAFF_ROUTES.me)).status).toBe(401);
    expect((await teamOf(w.owner)).accounts.map((a) => a.email)).not.toContain('leaver@members.example');
    const after = await readJson<InboxConversationResponse>(await w.owner.call('GET', conversation));
    expect(after.conversation.assignee).toBeNull();
    expect(after.notes.map((n) => [n.text, n.author.email])).toEqual([['Called them back', 'leaver@members.example']]);
    // The email is free again: the person can be invited back.
    expect((await w.owner.call('POST', STAFF_ROUTES.invites, { email: 'leaver@members.example', role: 'agent' })).status).toBe(201);
  });

  it('an admin removes agents but not admins or owners; nobody removes themselves', async () => {
    await newMember('temp-agent@members.example', 'agent');
    await newMember('second-admin@members.example', 'admin');
    expect((await w.admin.call('DELETE', accountPath(await idOf('temp-agent@members.example')))).status).toBe(204);
    expect((await w.admin.call('DELETE', accountPath(await idOf('second-admin@members.example')))).status).toBe(403);
    expect((await w.admin.call('DELETE', accountPath(await idOf('owner@members.example')))).status).toBe(403);
    expect((await w.agent.call('DELETE', accountPath(await idOf('second-admin@members.example')))).status).toBe(403);
    const self = await w.owner.call('DELETE', accountPath(await idOf('owner@members.example')));
    expect(self.status).toBe(409);
    expect((await readJson(self)).error.message).toMatch(/your own account/);
  });
});

describe('invitations and other workspaces', { timeout: 120_000 }, () => {
  it('a pending invitation can be withdrawn', async () => {
    const sent = await w.owner.call('POST', STAFF_ROUTES.invites, { email: 'maybe@members.example', role: 'agent' });
    const { invite } = await readJson<{ invite: { id: string } }>(sent);
    expect((await w.admin.call('DELETE', invitePath(invite.id))).status).toBe(204);
    expect((await teamOf(w.owner)).invites.map((i) => i.email)).not.toContain('maybe@members.example');
    expect((await w.owner.call('DELETE', invitePath(invite.id))).status).toBe(404);
  });

  it('another workspace’s owner can neither change, remove nor withdraw anything here', async () => {
    const target = await idOf('agent@members.example');
    const sent = await w.owner.call('POST', STAFF_ROUTES.invites, { email: 'pending@members.example', role: 'agent' });
    const { invite } = await readJson<{ invite: { id: string } }>(sent);
    expect((await w.otherOwner.call('PATCH', accountPath(target), { role: 'owner' })).status).toBe(404);
    expect((await w.otherOwner.call('DELETE', accountPath(target))).status).toBe(404);
    expect((await w.otherOwner.call('DELETE', invitePath(invite.id))).status).toBe(404);
    const team = await teamOf(w.owner);
    expect(team.accounts.find((a) => a.id === target)?.role).toBe('agent');
    expect(team.invites.map((i) => i.email)).toContain('pending@members.example');
  });
});

describe('changing one’s own password', { timeout: 120_000 }, () => {
  it('needs the current password, keeps this browser signed in and ends the others', async () => {
    const { password } = await makeStaff(w.app.db, w.app.tenant.id, 'mover@members.example', 'agent');
    const here = staffBrowser(w.app.url);
    const elsewhere = staffBrowser(w.app.url);
    expect((await here.login('mover@members.example', password)).status).toBe(200);
    expect((await elsewhere.login('mover@members.example', password)).status).toBe(200);

    const newPassword = 'a much longer new passphrase';
    const res = await here.call('POST', STAFF_ROUTES.password, { currentPassword: password, newPassword });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ endedSessions: 1 });
    expect((await here.call('GET', STAFF_ROUTES.me)).status).toBe(200);
    expect((await elsewhere.call('GET', STAFF_ROUTES.me)).status).toBe(401);
    expect((await staffBrowser(w.app.url).login('mover@members.example', password)).status).toBe(401);
    expect((await staffBrowser(w.app.url).login('mover@members.example', newPassword)).status).toBe(200);
  });

  it('refuses a wrong current password, a short or unchanged new one, and locks after repeated wrong ones', async () => {
    const { password } = await makeStaff(w.app.db, w.app.tenant.id, 'guesser@members.example', 'agent');
    const browser = staffBrowser(w.app.url);
    expect((await browser.login('guesser@members.example', password)).status).toBe(200);
    const change = (body: unknown) => browser.call('POST', STAFF_ROUTES.password, body);

    const short = await change({ currentPassword: password, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(await readJson(short))).toContain('newPassword must be at least 12 characters');
    const same = await change({ currentPassword: password, newPassword: password });
    expect(same.status).toBe(400);
    expect((await readJson(same)).error.message).toMatch(/same as the current/);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await change({ currentPassword: `wrong guess ${i}`, newPassword: 'a new passphrase here' })).status);
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429]);
    // Locked: even the right current password waits.
    expect((await change({ currentPassword: password, newPassword: 'a new passphrase here' })).status).toBe(429);
    expect((await staffBrowser(w.app.url).login('guesser@members.example', password)).status).toBe(200);
  });
});
