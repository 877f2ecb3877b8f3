import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openDatabase } from '../../src/db/open.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { ALLOWED_ORIGIN, makeTenant, testConfig } from '../helpers/app.js';
import { openEngine, silentLog } from '../helpers/db.js';

/**
 * Two backend instances on one Postgres server, as behind a load balancer: a client's requests
 * spread over both count against one limit, not one limit per instance.
 */

const LIMIT = 5;
const REQUESTS = 12;

describe('the public rate limit with several instances on one Postgres server', () => {
  let engine: Awaited<ReturnType<typeof openEngine>>;
  const handles: Db[] = [];
  const instances: RunningServer[] = [];
  let publishableKey: string;

  beforeAll(async () => {
    engine = await openEngine('postgres');
    publishableKey = (await makeTenant(engine.db)).publishableKey;
    for (let i = 0; i < 2; i += 1) {
      // Each instance has its own connection pool, as separate processes would.
      const db = await openDatabase({ kind: 'postgres', url: engine.url! }, silentLog);
      handles.push(db);
      instances.push(await startServer({ config: testConfig({ PREX_RATE_LIMIT_PER_MINUTE: String(LIMIT) }), db, log: silentLog }));
    }
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
    for (const db of handles) await db.close();
    await engine?.close();
  });

  /** Round robin over the instances, from one client address; the statuses in order. */
  async function burst(): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const instance = instances[i % instances.length]!;
      const res = await fetch(`${instance.url}/v1/widget/config`, { headers: { 'x-prex-key': publishableKey, origin: ALLOWED_ORIGIN } });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    return statuses;
  }

  /** The windows the burst was counted in: more than one when it crossed a minute boundary. */
  async function windowsUsed(): Promise<number> {
    const rows = await engine.db.query<{ n: number }>('select count(distinct window_start)::int as n from rate_limit_windows');
    return rows[0]!.n;
  }

  it('accepts the configured number in total, then refuses on every instance', async () => {
    let statuses: number[] = [];
    // Windows are fixed minutes: a burst that happens to straddle one is run again in the next.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await engine.db.query('delete from rate_limit_windows');
      statuses = await burst();
      if ((await windowsUsed()) === 1) break;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.slice(0, LIMIT).every((s) => s === 200)).toBe(true);
    // Both instances refuse once the shared count is reached.
    expect(statuses.slice(LIMIT)).toEqual(new Array(REQUESTS - LIMIT).fill(429));
  });

  it('stores no client address, only its hash', async () => {
    const keys = await engine.db.query<{ key: string }>('select key from rate_limit_windows');
    expect(keys.length).toBeGreaterThan(0);
    for (const { key } of keys) {
      expect(key).not.toContain('127.0.0.1');
      expect(key).toMatch(/^public:[0-9a-f]{64}$/);
    }
  });
});
