import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from '@prex/testing';
import { ALLOWED_ORIGIN } from '../helpers/app.js';
import { startInstances, type Instances } from '../helpers/instances.js';

/**
 * Three backend instances on one Postgres server behind the round-robin balancer: a client's
 * requests, spread over all three, count against one limit, not one limit per instance.
 */

const INSTANCES = 3;
const LIMIT = 5;
const REQUESTS = 12;

describe('the public rate limit with three instances on one Postgres server', () => {
  let fleet: Instances;
  let proxy: TcpProxy;

  beforeAll(async () => {
    fleet = await startInstances({ count: INSTANCES, env: { PREX_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    proxy = await startTcpProxy(fleet.instances.map((instance) => ({ port: instance.port })));
  });
  afterAll(async () => {
    await proxy?.close();
    await fleet?.close();
  });

  /** From one client address, each request on a new connection: the balancer's next instance each time. */
  async function burst(): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const res = await fetch(`${proxy.url}/v1/widget/config`, {
        headers: { connection: 'close', 'x-prex-key': fleet.tenant.publishableKey, origin: ALLOWED_ORIGIN },
      });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    return statuses;
  }

  /** The windows the burst was counted in: more than one when it crossed a minute boundary. */
  async function windowsUsed(): Promise<number> {
    const rows = await fleet.engine.db.query<{ n: number }>('select count(distinct window_start)::int as n from rate_limit_windows');
    return rows[0]!.n;
  }

  it('accepts the configured number in total, then refuses on every instance', async () => {
    let statuses: number[] = [];
    let routed: number[] = [];
    // Windows are fixed minutes: a burst that happens to straddle one is run again in the next.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await fleet.engine.db.query('delete from rate_limit_windows');
      const before = proxy.routed().length;
      statuses = await burst();
      routed = proxy.routed().slice(before);
      if ((await windowsUsed()) === 1) break;
    }
    // Every instance took its turns, and the limit held across them: LIMIT in total, not LIMIT × 3.
    expect(new Set(routed).size).toBe(INSTANCES);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.slice(0, LIMIT).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(LIMIT)).toEqual(new Array(REQUESTS - LIMIT).fill(429));
    // Each instance refused some of them.
    const refusedBy = new Set(routed.filter((_, i) => statuses[i] === 429));
    expect(refusedBy.size).toBe(INSTANCES);
  });

  it('stores no client address, only its hash', async () => {
    const keys = await fleet.engine.db.query<{ key: string }>('select key from rate_limit_windows');
    expect(keys.length).toBeGreaterThan(0);
    for (const { key } of keys) {
      expect(key).not.toContain('127.0.0.1');
      expect(key).toMatch(/^public:[0-9a-f]{64}$/);
    }
  });
});
