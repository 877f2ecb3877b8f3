import { STAFF_CSRF_HEADER, STAFF_ROUTES, type StaffRole, type StaffSessionResponse } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { createAccountWithPassword } from '../../src/staff/team.js';
import { makeTenant, startTestApp, type TestApp, type TestTenant } from './app.js';

/**
 * A browser of the console, as far as the staff API sees one: it keeps the session cookie the
 * server sets (and sends it back, as a browser would on the same origin) and the CSRF token the
 * sign-in returned.
 */
export interface StaffBrowser {
  /** The prex_staff cookie's value, once signed in. */
  cookie: string | undefined;
  /** The full Set-Cookie line of the last sign-in (its attributes are checked). */
  setCookie: string | undefined;
  csrfToken: string | undefined;
  login(email: string, password: string, extra?: Record<string, unknown>): Promise<Response>;
  /** A request with the cookie and, on POST/PATCH/DELETE, the CSRF token (unless `csrf` says otherwise). */
  call(method: string, path: string, body?: unknown, options?: { csrf?: string | null; headers?: Record<string, string> }): Promise<Response>;
}

export function staffBrowser(baseUrl: string): StaffBrowser {
  const browser: StaffBrowser = {
    cookie: undefined,
    setCookie: undefined,
    csrfToken: undefined,
    async login(email, password, extra = {}) {
      const res = await fetch(`${baseUrl}${STAFF_ROUTES.login}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password, ...extra }),
      });
      if (res.status === 200) {
        const line = res.headers.getSetCookie().find((c) => c.startsWith('prex_staff='));
        browser.setCookie = line;
        browser.cookie = line?.slice('prex_staff='.length).split(';')[0];
        browser.csrfToken = ((await res.clone().json()) as StaffSessionResponse).csrfToken;
      }
      return res;
    },
    call(method, path, body, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (browser.cookie) headers.cookie = `prex_staff=${browser.cookie}`;
      const csrf = options.csrf === undefined ? browser.csrfToken : options.csrf;
      if (method !== 'GET' && csrf) headers[STAFF_CSRF_HEADER] = csrf;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    },
  };
  return browser;
}

/** A staff account made as `prex staff create` makes it; returns the password it was given. */
export async function makeStaff(db: Db, tenantId: string, email: string, role: StaffRole, password = `pw-${email}-0123456789`): Promise<{ id: string; email: string; password: string }> {
  const account = await createAccountWithPassword(db, { tenantId, email, role, password });
  return { id: account.id, email, password };
}

/** A browser signed in as a new account of the tenant. */
export async function signedInStaff(baseUrl: string, db: Db, tenantId: string, email: string, role: StaffRole): Promise<StaffBrowser> {
  const { password } = await makeStaff(db, tenantId, email, role);
  const browser = staffBrowser(baseUrl);
  const res = await browser.login(email, password);
  if (res.status !== 200) throw new Error(`sign-in of ${email} → ${res.status} ${await res.text()}`);
  return browser;
}

/**
 * A workspace with a signed-in owner, admin and agent (`<role>@<label>.example`), and a second
 * workspace with its own signed-in owner: what a staff route's tests need for roles and for
 * tenant isolation. Starts a test app unless one is given.
 */
export interface StaffWorkspaces {
  app: TestApp;
  owner: StaffBrowser;
  admin: StaffBrowser;
  agent: StaffBrowser;
  other: TestTenant;
  otherOwner: StaffBrowser;
}

export async function startStaffWorkspaces(label: string, given?: TestApp): Promise<StaffWorkspaces> {
  const app = given ?? (await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } }));
  const signIn = (tenantId: string, email: string, role: StaffRole) => signedInStaff(app.url, app.db, tenantId, email, role);
  const other = await makeTenant(app.db, 'Other');
  return {
    app,
    owner: await signIn(app.tenant.id, `owner@${label}.example`, 'owner'),
    admin: await signIn(app.tenant.id, `admin@${label}.example`, 'admin'),
    agent: await signIn(app.tenant.id, `agent@${label}.example`, 'agent'),
    other,
    otherOwner: await signIn(other.tenant.id, `owner@other-${label}.example`, 'owner'),
  };
}
