import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { authEventCounts } from '../../src/auth/events.js';
import { checkCode, issueCode, type CodeDeps } from '../../src/customers/codes.js';
import { createSession } from '../../src/conversations/sessions.js';
import { openEngine, type Engine } from '../helpers/db.js';
import { makeTenant } from '../helpers/app.js';

const MINUTE = 60_000;
const T0 = new Date('2026-03-01T10:00:00Z');

/** A clock the test moves by hand: expiry and send windows without sleeping. */
function manualClock(start = T0) {
  let at = start.getTime();
  return { now: () => new Date(at), advance: (ms: number) => void (at += ms) };
}

describe.each<Engine>(['pglite', 'postgres'])('email codes on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openEngine(engine));
  });
  afterAll(() => close());

  async function scope() {
    const { tenant } = await makeTenant(db);
    const session = await createSession(db, tenant.id);
    return { tenantId: tenant.id, sessionId: session.id };
  }
  const depsAt = (clock: { now: () => Date }, limits?: CodeDeps['limits']): CodeDeps => ({ db, secret: 'code-secret-for-tests-0123456789abcdef', now: clock.now, ...(limits ? { limits } : {}) });

  async function issue(deps: CodeDeps, s: { tenantId: string; sessionId: string }, email: string, ip = '10.0.0.1') {
    const out = await issueCode(deps, { ...s, address: email, purpose: 'verify', ip });
    if (!out.issued) throw new Error(`limited: ${out.limit}`);
    return out.code;
  }
  const check = (deps: CodeDeps, s: { tenantId: string; sessionId: string }, email: string, code: string, purpose: 'verify' | 'export' = 'verify') =>
    checkCode(deps, { ...s, address: email, code, purpose, ip: '10.0.0.1' });
  const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('accepts the code once, stores only its hash, and refuses a replay', async () => {
    const s = await scope();
    const deps = depsAt(manualClock());
    const code = await issue(deps, s, 'ann@example.com');
    expect(code).toMatch(/^[0-9]{6}$/);
    const stored = await db.query<{ code_hash: string }>('select code_hash from email_codes where tenant_id = $1', [s.tenantId]);
    expect(stored[0]!.code_hash).not.toContain(code);
    expect(stored[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await check(deps, s, 'ann@example.com', code)).toEqual({ ok: true });
    expect(await check(deps, s, 'ann@example.com', code)).toEqual({ ok: false, reason: 'replayed' });
    expect((await authEventCounts(db, s.tenantId, new Date(0))).otp_replayed).toBe(1);
  });

  it('expires after 10 minutes (clock moved, no sleeping)', async () => {
    const s = await scope();
    const clock = manualClock();
    const deps = depsAt(clock);
    const code = await issue(deps, s, 'bo@example.com');
    clock.advance(10 * MINUTE + 1000);
    expect(await check(deps, s, 'bo@example.com', code)).toEqual({ ok: false, reason: 'expired' });
    // Expired means gone: presenting it again is a replay of a dead code, not a live one.
    expect((await check(deps, s, 'bo@example.com', code)).ok).toBe(false);
  });

  it('is still good just before expiry', async () => {
    const s = await scope();
    const clock = manualClock();
    const deps = depsAt(clock);
    const code = await issue(deps, s, 'cy@example.com');
    clock.advance(9 * MINUTE + 59_000);
    expect(await check(deps, s, 'cy@example.com', code)).toEqual({ ok: true });
  });

  it('counts down wrong attempts and burns the code at the fifth', async () => {
    const s = await scope();
    const deps = depsAt(manualClock());
    const code = await issue(deps, s, 'di@example.com');
    const left = [];
    for (let i = 0; i < 4; i++) {
      const out = await check(deps, s, 'di@example.com', wrongOf(code));
      left.push(out.ok ? 'ok' : out.reason === 'wrong_code' ? out.attemptsLeft : out.reason);
    }
    expect(left).toEqual([4, 3, 2, 1]);
    expect(await check(deps, s, 'di@example.com', wrongOf(code))).toEqual({ ok: false, reason: 'locked' });
    // Burnt: even the right code no longer works.
    expect((await check(deps, s, 'di@example.com', code)).ok).toBe(false);
    const counts = await authEventCounts(db, s.tenantId, new Date(0));
    expect(counts.otp_wrong_code).toBe(4);
    expect(counts.otp_locked).toBe(1);
  });

  it('a second send replaces the first code', async () => {
    const s = await scope();
    const deps = depsAt(manualClock());
    const first = await issue(deps, s, 'ed@example.com');
    let second = await issue(deps, s, 'ed@example.com');
    while (second === first) second = await issue(deps, s, 'ed@example.com');
    expect((await check(deps, s, 'ed@example.com', first)).ok).toBe(false);
    expect(await check(deps, s, 'ed@example.com', second)).toEqual({ ok: true });
    const active = await db.query('select 1 from email_codes where tenant_id = $1 and consumed_at is null', [s.tenantId]);
    expect(active).toHaveLength(0);
  });

  it('refuses a code from another session or another tenant, without burning it', async () => {
    const s = await scope();
    const deps = depsAt(manualClock());
    const code = await issue(deps, s, 'flo@example.com');
    const otherSession = { tenantId: s.tenantId, sessionId: (await createSession(db, s.tenantId)).id };
    const otherTenant = await scope();
    for (let i = 0; i < 6; i++) expect(await check(deps, otherSession, 'flo@example.com', code)).toEqual({ ok: false, reason: 'wrong_session' });
    expect(await check(deps, otherTenant, 'flo@example.com', code)).toEqual({ ok: false, reason: 'no_code' });
    expect(await check(deps, s, 'flo@example.com', code)).toEqual({ ok: true });
  });

  it('refuses a code used for another purpose than it was sent for', async () => {
    const s = await scope();
    const deps = depsAt(manualClock());
    const code = await issue(deps, s, 'gus@example.com');
    expect(await check(deps, s, 'gus@example.com', code, 'export')).toEqual({ ok: false, reason: 'wrong_purpose' });
    expect(await check(deps, s, 'gus@example.com', code)).toEqual({ ok: true });
  });

  it('limits sends per email, per IP and per tenant, and opens again when the window passes', async () => {
    const s = await scope();
    const clock = manualClock();
    const deps = depsAt(clock, { windowMs: 10 * MINUTE, perEmail: 2, perIp: 4, perTenant: 6 });
    const send = (email: string, ip: string) => issueCode(deps, { ...s, address: email, purpose: 'verify', ip });
    expect((await send('a@x.example', '1.1.1.1')).issued).toBe(true);
    expect((await send('a@x.example', '1.1.1.1')).issued).toBe(true);
    expect(await send('a@x.example', '1.1.1.1')).toEqual({ issued: false, limit: 'email' });
    // The flooded email does not block another one.
    expect((await send('b@x.example', '1.1.1.1')).issued).toBe(true);
    expect((await send('c@x.example', '1.1.1.1')).issued).toBe(true);
    expect(await send('d@x.example', '1.1.1.1')).toEqual({ issued: false, limit: 'ip' });
    // Another address still gets codes until the tenant's cap.
    expect((await send('d@x.example', '2.2.2.2')).issued).toBe(true);
    expect((await send('e@x.example', '2.2.2.2')).issued).toBe(true);
    expect(await send('f@x.example', '3.3.3.3')).toEqual({ issued: false, limit: 'tenant' });
    expect((await authEventCounts(db, s.tenantId, new Date(0))).otp_send_limited).toBe(3);
    clock.advance(10 * MINUTE + 1000);
    expect((await send('a@x.example', '1.1.1.1')).issued).toBe(true);
  });

  it('the right code sent twice at once verifies exactly once', async () => {
    const s = await scope();
    const deps = depsAt(manualClock());
    const code = await issue(deps, s, 'race@example.com');
    const outcomes = await Promise.all([0, 1, 2].map(() => check(deps, s, 'race@example.com', code)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
  });

  it('two concurrent sends leave exactly one active code', async () => {
    const s = await scope();
    const deps = depsAt(manualClock());
    const results = await Promise.all([0, 1, 2].map(() => issueCode(deps, { ...s, address: 'hal@example.com', purpose: 'verify', ip: null })));
    expect(results.every((r) => r.issued)).toBe(true);
    const active = await db.query('select 1 from email_codes where tenant_id = $1 and consumed_at is null', [s.tenantId]);
    expect(active).toHaveLength(1);
  });
});
