import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Db } from '../../src/db/db.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { ALLOWED_ORIGIN, makeTenant, testConfig } from '../helpers/app.js';
import { newVisitor } from '../helpers/chat.js';
import { openMemoryDb, silentLog } from '../helpers/db.js';

/**
 * Without PREX_SESSION_SECRET, the server keeps its session secret in the database: a visitor's
 * token made by one instance works on another, and after a restart; nobody has to configure it.
 */

/** The tests' config as loadConfig makes it when PREX_SESSION_SECRET is unset. */
function configWithoutSecret() {
  const unset = loadConfig({ PREX_DATA_DIR: ':memory:' }).session;
  expect(unset.secretFromEnv).toBe(false);
  const base = testConfig();
  return { ...base, session: { ...base.session, secret: unset.secret, secretFromEnv: false } };
}

describe('the session secret, unset by the operator', () => {
  let db: Db;
  let publishableKey: string;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    db = await openMemoryDb();
    publishableKey = (await makeTenant(db)).publishableKey;
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await db.close();
  });

  async function start(): Promise<RunningServer> {
    const config = configWithoutSecret();
    const server = await startServer({ config, db, log: silentLog });
    servers.push(server);
    return server;
  }

  const history = (url: string, headers: Record<string, string>) => fetch(`${url}/v1/sessions/current/messages`, { headers });

  it('is shared by the instances on one database and kept across a restart', async () => {
    const a = await start();
    const b = await start();
    const v = await newVisitor({ url: a.url, publishableKey });
    expect((await history(a.url, v.headers)).status).toBe(200);
    expect((await history(b.url, v.headers)).status).toBe(200);

    await a.close();
    await b.close();
    const restarted = await start();
    expect((await history(restarted.url, v.headers)).status).toBe(200);
  });

  it('is not any other server\'s: a token signed with another secret is refused', async () => {
    const other = await startServer({ config: testConfig(), db, log: silentLog });
    servers.push(other);
    const foreign = await newVisitor({ url: other.url, publishableKey });
    const mine = await start();
    expect((await history(mine.url, { ...foreign.headers, origin: ALLOWED_ORIGIN })).status).toBe(401);
  });
});
