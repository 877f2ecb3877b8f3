import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROUTES } from '@prex/protocol';
import { LOGIN_LIMITS } from '../../src/staff/login.js';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { makeStaff, staffBrowser } from '../helpers/staff.js';

/**
 * Failed sign-ins are limited per email and per address, counted in the database: two server
 * instances on one database share the count. Each test has its own database (the per-address
 * count would otherwise carry over from one test to the next: every request here is from 127.0.0.1).
 */

let a: TestApp;
let second: TestApp;

beforeAll(async () => {
  a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  // A second instance on the same database, as behind a load balancer.
  second = await startTestApp({ db: a.db, env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
});
afterAll(async () => {
  await second?.close();
  await a?.close();
});

describe('sign-in limits', { timeout: 120_000 }, () => {
  it('says the same for an unknown email as for a wrong password', async () => {
    await makeStaff(a.db, a.tenant.id, 'known@a.example', 'agent');
    const wrong = await staffBrowser(a.url).login('known@a.example', 'not the password');
    const unknown = await staffBrowser(a.url).login('nobody@a.example', 'not the password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await readJson(wrong)).error).toEqual((await readJson(unknown)).error);
  });

  it(`locks an email after ${LOGIN_LIMITS.perEmail} wrong passwords, on every instance, even for the right one`, async () => {
    const { password } = await makeStaff(a.db, a.tenant.id, 'target@a.example', 'owner');
    // The count from the previous test on known@ does not touch this email.
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) {
      const instance = i % 2 === 0 ? a : second;
      expect((await staffBrowser(instance.url).login('target@a.example', `wrong guess ${i}`)).status).toBe(401);
    }
    for (const instance of [a, second]) {
      const locked = await staffBrowser(instance.url).login('target@a.example', password);
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toBe(String(LOGIN_LIMITS.windowMs / 1000));
      expect((await readJson(locked)).error.message).toMatch(/Too many failed sign-ins for this email or from this address/);
    }
    // Another account is not locked by it.
    const other = await makeStaff(a.db, a.tenant.id, 'colleague@a.example', 'agent');
    expect((await staffBrowser(a.url).login(other.email, other.password)).status).toBe(200);
    // The failures are stored hashed: no email in clear.
    const events = await a.db.query<{ email_hash: string }>("select email_hash from auth_events where kind = 'staff_login_failed'");
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.email_hash))).toBe(true);
  });

  it(`locks an address after ${LOGIN_LIMITS.perIp} failures, whichever emails it tried`, async () => {
    const before = (await a.db.query<{ n: number }>("select count(*)::int as n from auth_events where kind = 'staff_login_failed'"))[0]!.n;
    for (let i = before; i < LOGIN_LIMITS.perIp; i++) {
      expect((await staffBrowser(a.url).login(`guess${i}@a.example`, 'password guess')).status).toBe(401);
    }
    const colleague = await makeStaff(a.db, a.tenant.id, 'late@a.example', 'agent');
    const locked = await staffBrowser(second.url).login(colleague.email, colleague.password);
    expect(locked.status).toBe(429);
  });
});
