import express from 'express';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '@prex/protocol';
import { startTcpProxy, type TcpProxy } from '@prex/testing';
import type { Db } from '../../src/db/db.js';
import { loadMigrations } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { createReadinessRouter } from '../../src/health/routes.js';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { createPostgresDatabase, openEngine, silentLog, type Engine } from '../helpers/db.js';

interface NotReady {
  ok: false;
  check: 'database' | 'migrations';
  reason: string;
  pending?: string[];
}

describe.each<Engine>(['pglite', 'postgres'])('/readyz on %s', (engine) => {
  let opened: Awaited<ReturnType<typeof openEngine>>;
  let app: TestApp;
  let shipped: string[];

  beforeAll(async () => {
    opened = await openEngine(engine);
    app = await startTestApp({ db: opened.db });
    shipped = (await loadMigrations()).map((m) => m.version);
  });
  afterAll(async () => {
    await app?.close();
    await opened?.close();
  });

  it('answers 200 when the database answers and every migration file is applied', async () => {
    const res = await app.request(ROUTES.ready);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await readJson(res)).toEqual({ ok: true, migrationsApplied: shipped.length });
  });

  it('answers 503 naming the migrations a database lacks (a new release against an older schema)', async () => {
    const last = shipped.at(-1)!;
    await opened.db.query('delete from schema_migrations where version = $1', [last]);
    try {
      const res = await app.request(ROUTES.ready);
      expect(res.status).toBe(503);
      expect(await readJson<NotReady>(res)).toEqual({ ok: false, check: 'migrations', reason: '1 migration(s) not applied', pending: [last] });
      // Liveness does not look at the schema: the process is alive, it is only not ready.
      expect((await app.request(ROUTES.health)).status).toBe(200);
    } finally {
      await opened.db.query('insert into schema_migrations (version) values ($1)', [last]);
    }
    expect((await app.request(ROUTES.ready)).status).toBe(200);
  });
});

describe('/readyz when the Postgres server cannot be reached', () => {
  let proxy: TcpProxy;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: Db;
  let app: TestApp;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const direct = new URL(database.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port) });
    const throughProxy = new URL(database.url);
    throughProxy.port = String(proxy.port);
    db = await openDatabase({ kind: 'postgres', url: throughProxy.toString() }, silentLog);
    app = await startTestApp({ db });
  });
  afterAll(async () => {
    proxy?.setOffline(false);
    await app?.close();
    await db?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 with the reason while the network is down, and 200 again once it is back', async () => {
    expect((await app.request(ROUTES.ready)).status).toBe(200);

    proxy.setOffline(true);
    proxy.cutAll();
    const down = await app.request(ROUTES.ready);
    expect(down.status).toBe(503);
    const body = await readJson<NotReady>(down);
    expect(body.check).toBe('database');
    expect(body.reason).toMatch(/^the database did not answer a query/);
    // The public answer names no host, port or user.
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|postgres:|prex_test_/);
    expect((await app.request(ROUTES.health)).status).toBe(200);

    proxy.setOffline(false);
    expect((await app.request(ROUTES.ready)).status).toBe(200);
  });
});

describe('/readyz when the database holds every query', () => {
  it('answers 503 after its timeout instead of holding the probe', async () => {
    const opened = await openEngine('pglite');
    const app = express().use(createReadinessRouter({ db: opened.db, log: silentLog, options: { timeoutMs: 200 } }));
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${ROUTES.ready}`;
    try {
      // PGlite has one connection: while a transaction is open, every other query waits for it.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const transaction = opened.db.transaction(() => held);
      const res = await fetch(url);
      release();
      await transaction;
      expect(res.status).toBe(503);
      expect(await readJson<NotReady>(res)).toEqual({ ok: false, check: 'database', reason: 'the database did not answer within 200 ms' });
      expect((await fetch(url)).status).toBe(200);
    } finally {
      server.close();
      await opened.close();
    }
  });
});
