import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import type { ThemeOverride } from '@prex/protocol';
import { loadConfig, type Config } from '../../src/config.js';
import type { Db } from '../../src/db/db.js';
import type { LogRing } from '../../src/log-ring.js';
import type { Logger } from '../../src/logger.js';
import { startServer } from '../../src/server.js';
import { createTenant } from '../../src/tenants/repository.js';
import type { Tenant } from '../../src/tenants/tenant.js';
import { openMemoryDb, silentLog } from './db.js';

export const TEST_OUTBOX_DIR = join(tmpdir(), `prex-test-outbox-${process.pid}`);
/** Attachments stored on local disk by tests: out of the working tree too. */
export const TEST_ATTACHMENTS_DIR = join(tmpdir(), `prex-test-attachments-${process.pid}`);
export const TEST_SESSION_SECRET = 'test-session-secret-0123456789-abcdefghij';
export const ALLOWED_ORIGIN = 'https://shop.example';

/** Config for tests: loopback, port 0, quiet, no demo seed, fixed session secret; `env` overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PREX_DATA_DIR: ':memory:',
    PREX_SEED_DEMO: 'false',
    PREX_SESSION_SECRET: TEST_SESSION_SECRET,
    LOG_LEVEL: 'silent',
    // Mail with no relay configured goes to the outbox: keep it out of the working tree.
    PREX_OUTBOX_DIR: TEST_OUTBOX_DIR,
    PREX_ATTACHMENTS_DIR: TEST_ATTACHMENTS_DIR,
    ...env,
  });
}

export interface TestTenant {
  tenant: Tenant;
  publishableKey: string;
  secretKey: string;
}

export async function makeTenant(db: Db, name = 'Acme', theme?: ThemeOverride): Promise<TestTenant> {
  const { tenant, secretKey } = await createTenant(db, { name, allowedOrigins: [ALLOWED_ORIGIN], ...(theme ? { theme } : {}) });
  return { tenant, publishableKey: tenant.publishableKey, secretKey };
}

export interface TestApp extends TestTenant {
  url: string;
  /** The Express app being served: its router lists every registered route. */
  app: Express;
  db: Db;
  config: Config;
  /** fetch against the app; `key: true` adds the tenant's publishable key header. */
  request(path: string, init?: RequestInit & { key?: boolean | string }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real server on 127.0.0.1:0 with a fresh tenant. Pass `db` to share one PGlite between apps
 * of a file (each still gets its own tenant); otherwise an in-memory one is opened and closed.
 */
export async function startTestApp(opts: { env?: Record<string, string>; db?: Db; log?: Logger; logRing?: LogRing } = {}): Promise<TestApp> {
  const config = testConfig(opts.env);
  const db = opts.db ?? (await openMemoryDb());
  const server = await startServer({ config, db, log: opts.log ?? silentLog, ...(opts.logRing ? { logRing: opts.logRing } : {}) });
  const tenant = await makeTenant(db);
  return {
    ...tenant,
    url: server.url,
    app: server.app,
    db,
    config,
    request(path, init = {}) {
      const { key, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('x-prex-key', typeof key === 'string' ? key : tenant.publishableKey);
      return fetch(`${server.url}${path}`, { ...rest, headers });
    },
    async close() {
      await server.close();
      if (!opts.db) await db.close();
    },
  };
}

/** POST /v1/sessions for the app's tenant; returns the parsed body. */
export async function createSessionOver(app: TestApp, key: string = app.publishableKey) {
  const res = await app.request('/v1/sessions', { method: 'POST', key });
  if (res.status !== 201) throw new Error(`POST /v1/sessions → ${res.status} ${await res.text()}`);
  return (await res.json()) as { sessionId: string; token: string; expiresAt: string };
}

/** A response body as JSON; tests state the shape they expect (undici types it as unknown). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson<T = any>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
