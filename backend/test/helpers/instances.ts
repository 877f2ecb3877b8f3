import { upsertDocument } from '../../src/knowledge/ingest.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { makeTenant, testConfig, type TestTenant } from './app.js';
import { KB_DOCUMENTS } from './chat.js';
import { openEngine, silentLog } from './db.js';

/**
 * Several Prex instances on one Postgres server, as behind a load balancer: one new database on
 * the run's server (test/global-setup.ts), one tenant with the chat tests' knowledge base, and
 * `count` servers, each opening its own connection pool and bus from DATABASE_URL as a separate
 * process would. `engine.db` is a handle of the test's own, for reading what was stored.
 */
export interface Instances {
  engine: Awaited<ReturnType<typeof openEngine>>;
  instances: RunningServer[];
  tenant: TestTenant;
  /** Closes every instance still running (closing one twice is harmless), then drops the database. */
  close(): Promise<void>;
}

export async function startInstances(opts: { count: number; env?: Record<string, string> }): Promise<Instances> {
  const engine = await openEngine('postgres');
  const instances: RunningServer[] = [];
  const close = async () => {
    for (const instance of instances) await instance.close();
    await engine.close();
  };
  try {
    const tenant = await makeTenant(engine.db, 'Shop');
    for (const doc of KB_DOCUMENTS) await upsertDocument(engine.db, tenant.tenant.id, doc);
    // Tests fire many requests from one address: lift the public rate limit (shared by the instances).
    const config = testConfig({ DATABASE_URL: engine.url!, PREX_RATE_LIMIT_PER_MINUTE: '100000', ...opts.env });
    // One after the other, as a rolling start would: each checks the migrations are applied.
    for (let i = 0; i < opts.count; i++) instances.push(await startServer({ config, log: silentLog }));
    return { engine, instances, tenant, close };
  } catch (error) {
    await close();
    throw error;
  }
}
