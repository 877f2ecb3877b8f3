import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ACCESS_ROUTES, STAFF_ROUTES, type StaffPasswordResetConfirmResponse } from '@prex/protocol';
import { startSmtpServer, type ReceivedMail, type RunningSmtpServer } from '@prex/testing';
import { hashIdentifier } from '../../src/privacy/hash.js';
import { RESET_MAILS_PER_HOUR } from '../../src/staff/password-reset.js';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { makeStaff, staffBrowser } from '../helpers/staff.js';
import { eventually } from '../helpers/eventually.js';

/**
 * A forgotten password, against the real server on PGlite with the link delivered through a real
 * SMTP server on loopback: ask → mail → new password once → every old session ended. The answer
 * to the ask never tells whether the email has an account.
 */

let smtp: RunningSmtpServer;
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  smtp = await startSmtpServer();
  const env = { PREX_RATE_LIMIT_PER_MINUTE: '100000', PREX_SMTP_URL: smtp.url };
  a = await startTestApp({ env });
  // A second workspace on the same database (someone may be staff of both).
  b = await startTestApp({ db: a.db, env });
  await a.db.query("update tenants set name = 'Bravo' where id = $1", [b.tenant.id]);
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await smtp?.close();
});

const post = (path: string, body: unknown) => fetch(`${a.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const askReset = (email: string) => post(STAFF_ACCESS_ROUTES.passwordReset, { email });
const confirm = (token: string, password: string) => post(STAFF_ACCESS_ROUTES.passwordResetConfirm, { token, password });

function resetLinkIn(mail: ReceivedMail): { link: string; token: string } {
  const link = mail.text.match(/https?:\/\/\S+\/console\/reset-password#token=([A-Za-z0-9_-]+)/);
  if (!link) throw new Error(`no reset link in: ${mail.text}`);
  return { link: link[0], token: link[1]! };
}

const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));

/** Waits until the server has handled `count` reset asks for this email (the mail goes out after the 202). */
async function asksHandled(email: string, count: number): Promise<void> {
  const handled = async () => {
    const rows = await a.db.query<{ n: number }>("select count(*)::int as n from auth_events where kind = 'staff_password_reset_requested' and email_hash = $1", [hashIdentifier(email)]);
    return rows[0]!.n >= count;
  };
  // A guard against a hang, not a speed budget: generous for a loaded machine.
  await eventually(handled, 60_000);
}

describe('password reset', () => {
  it('mails a one-time link; the new password works once and ends every old session', async () => {
    const { password: oldPassword } = await makeStaff(a.db, a.tenant.id, 'forgetful@a.example', 'agent');
    const laptop = staffBrowser(a.url);
    const phone = staffBrowser(a.url);
    expect((await laptop.login('forgetful@a.example', oldPassword)).status).toBe(200);
    expect((await phone.login('forgetful@a.example', oldPassword)).status).toBe(200);

    const asked = await askReset(' Forgetful@A.example ');
    expect(asked.status).toBe(202);
    expect((await readJson(asked)).message).toMatch(/If this email has a staff account, a link/);
    const mail = await smtp.waitFor((m) => m.to.includes('forgetful@a.example'));
    expect(mail.subject).toBe('Reset your Prex password for Acme');
    const { link, token } = resetLinkIn(mail);
    expect(link.startsWith(`${a.url}/console/reset-password#token=`)).toBe(true);
    expect(mail.html).toContain('reset-password#token=');
    // Only the token's hash is stored.
    const stored = await a.db.query<{ token_hash: string }>('select token_hash from staff_password_resets where tenant_id = $1', [a.tenant.id]);
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    // The new password must be a real one: refused without using the link up.
    const weak = await confirm(token, 'short');
    expect(weak.status).toBe(400);
    expect((await readJson(weak)).error.issues[0].message).toMatch(/password must be at least 12 characters/);

    const newPassword = 'a brand new long passphrase';
    const done = await confirm(token, newPassword);
    expect(done.status).toBe(200);
    const body = await readJson<StaffPasswordResetConfirmResponse>(done);
    expect(body).toMatchObject({ account: { email: 'forgetful@a.example', tenantId: a.tenant.id }, endedSessions: 2 });

    // Both old sessions are over; the old password is refused, the new one signs in.
    for (const browser of [laptop, phone]) {
      const me = await browser.call('GET', STAFF_ROUTES.me);
      expect(me.status).toBe(401);
    }
    expect((await staffBrowser(a.url).login('forgetful@a.example', oldPassword)).status).toBe(401);
    expect((await staffBrowser(a.url).login('forgetful@a.example', newPassword)).status).toBe(200);

    // The link works once.
    const again = await confirm(token, 'yet another long passphrase');
    expect(again.status).toBe(400);
    expect((await readJson(again)).error.message).toMatch(/invalid, already used or expired: ask for a new one/);
    expect((await staffBrowser(a.url).login('forgetful@a.example', newPassword)).status).toBe(200);
  });

  it('answers an unknown email exactly as a known one, and mails nobody', async () => {
    await makeStaff(a.db, a.tenant.id, 'known@a.example', 'agent');
    const unknown = await askReset('nobody@a.example');
    const known = await askReset('known@a.example');
    expect([unknown.status, known.status]).toEqual([202, 202]);
    expect(await readJson(unknown)).toEqual(await readJson(known));
    await smtp.waitFor((m) => m.to.includes('known@a.example'));
    await asksHandled('nobody@a.example', 1);
    expect(mailsTo('nobody@a.example')).toEqual([]);
  });

  it('refuses a token that is malformed, unknown, superseded or expired', async () => {
    const malformed = await confirm('not a token!', 'a long enough passphrase');
    expect(malformed.status).toBe(400);
    expect((await readJson(malformed)).error.issues[0].message).toMatch(/token is not a password reset token/);
    const unknown = await confirm('A'.repeat(43), 'a long enough passphrase');
    expect(unknown.status).toBe(400);
    expect((await readJson(unknown)).error.message).toMatch(/invalid, already used or expired/);

    // Asked twice: only the newest link works.
    await makeStaff(a.db, a.tenant.id, 'twice@a.example', 'admin');
    expect((await askReset('twice@a.example')).status).toBe(202);
    const first = resetLinkIn(await smtp.waitFor((m) => m.to.includes('twice@a.example'))).token;
    expect((await askReset('twice@a.example')).status).toBe(202);
    const second = resetLinkIn(await smtp.waitFor((m) => m.to.includes('twice@a.example') && !m.text.includes(first))).token;
    expect((await confirm(first, 'a long enough passphrase')).status).toBe(400);

    // An hour later the newest stops working too.
    await a.db.query("update staff_password_resets set expires_at = now() - interval '1 second' where tenant_id = $1 and used_at is null", [a.tenant.id]);
    const expired = await confirm(second, 'a long enough passphrase');
    expect(expired.status).toBe(400);
    expect((await readJson(expired)).error.message).toMatch(/expired/);
  });

  it(`mails one address at most ${RESET_MAILS_PER_HOUR} times an hour, whoever asks`, async () => {
    await makeStaff(a.db, a.tenant.id, 'flooded@a.example', 'agent');
    for (let i = 0; i < RESET_MAILS_PER_HOUR + 2; i++) expect((await askReset('flooded@a.example')).status).toBe(202);
    // Every ask is handled (the ones over the limit send nothing), and the first ones' mails arrive.
    await asksHandled('flooded@a.example', RESET_MAILS_PER_HOUR + 2);
    await smtp.waitFor(() => mailsTo('flooded@a.example').length >= RESET_MAILS_PER_HOUR);
    expect(mailsTo('flooded@a.example')).toHaveLength(RESET_MAILS_PER_HOUR);
  });

  it('gives someone on two teams one link per workspace, each resetting only that account', async () => {
    const inA = await makeStaff(a.db, a.tenant.id, 'both@teams.example', 'agent');
    const inB = await makeStaff(b.db, b.tenant.id, 'both@teams.example', 'owner');
    expect((await askReset('both@teams.example')).status).toBe(202);
    const forA = await smtp.waitFor((m) => m.to.includes('both@teams.example') && m.subject === 'Reset your Prex password for Acme');
    await smtp.waitFor((m) => m.to.includes('both@teams.example') && m.subject === 'Reset your Prex password for Bravo');
    const done = await confirm(resetLinkIn(forA).token, 'a new passphrase for acme');
    expect((await readJson(done)).account.tenantId).toBe(a.tenant.id);
    // The other workspace's account keeps its password.
    expect((await staffBrowser(a.url).login('both@teams.example', inB.password, { tenantId: b.tenant.id })).status).toBe(200);
    expect((await staffBrowser(a.url).login('both@teams.example', 'a new passphrase for acme', { tenantId: a.tenant.id })).status).toBe(200);
    expect((await staffBrowser(a.url).login('both@teams.example', inA.password, { tenantId: a.tenant.id })).status).toBe(401);
  });
});
