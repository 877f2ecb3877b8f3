import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantRateLimit } from '../../src/channel-api/rate-limit.js';
import { readJson } from '../helpers/app.js';

/**
 * The channels API's allowance is the tenant's, whatever address its gateways call from: a probe
 * app sets the tenant as the token check would (from a header here) and counts with a small limit.
 */

let url: string;
let close: () => void;

beforeAll(async () => {
  const probe = express();
  probe.post(
    '/probe',
    (req, res, next) => {
      res.locals.tenant = { id: req.get('x-tenant') };
      next();
    },
    tenantRateLimit(undefined, 2),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  const server = probe.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
  close = () => server.close();
});

afterAll(() => close());

const hit = (tenant: string) => fetch(url, { method: 'POST', headers: { 'x-tenant': tenant } });

describe('the per-tenant rate limit', () => {
  it('refuses a tenant past its allowance with 429 and Retry-After, and leaves other tenants alone', async () => {
    expect((await hit('ten_a')).status).toBe(200);
    expect((await hit('ten_a')).status).toBe(200);
    const refused = await hit('ten_a');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    expect((await readJson(refused)).error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining("this tenant's gateways") });
    expect((await hit('ten_b')).status).toBe(200);
  });
});
