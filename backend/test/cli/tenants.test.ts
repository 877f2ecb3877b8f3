import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/db/pglite.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { ensureBuilt, prex } from '../helpers/cli.js';
import { testConfig } from '../helpers/app.js';
import { silentLog } from '../helpers/db.js';

/**
 * An operator adds a workspace and replaces a leaked key with the real `prex` command, on the
 * embedded database a server then opens: the printed keys are the ones the server accepts.
 */

let dir: string;
let env: Record<string, string>;

interface Created {
  id: string;
  name: string;
  publishableKey: string;
  secretKey: string;
  allowedOrigins: string[];
  adminOrigins: string[];
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-tenants-'));
  env = { PREX_DATA_DIR: path.join(dir, 'data') };
  await ensureBuilt();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `work` against a server on the CLI's database (PGlite allows one process at a time). */
async function withServer<T>(work: (server: RunningServer) => Promise<T>): Promise<T> {
  const db = await openPglite(env.PREX_DATA_DIR!);
  const server = await startServer({ config: testConfig(), db, log: silentLog });
  try {
    return await work(server);
  } finally {
    await server.close();
    await db.close();
  }
}

const adminTenant = (server: RunningServer, secretKey: string) => fetch(`${server.url}/v1/admin/tenant`, { headers: { authorization: `Bearer ${secretKey}` } });

// Each step starts the CLI (and a server) on the embedded database: seconds each on a loaded machine.
describe('prex tenants and prex keys', { timeout: 180_000 }, () => {
  let created: Created;

  it('creates a tenant and prints its keys once; the server accepts them', async () => {
    const result = await prex(['tenants', 'create', '--name', 'Northwind', '--origin', 'https://shop.northwind.example/', '--origin', 'http://localhost:5173', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    created = JSON.parse(result.stdout) as Created;
    expect(created).toMatchObject({ name: 'Northwind', allowedOrigins: ['https://shop.northwind.example', 'http://localhost:5173'], adminOrigins: [] });
    expect(created.publishableKey).toMatch(/^pk_/);
    expect(created.secretKey).toMatch(/^sk_/);

    await withServer(async (server) => {
      const admin = await adminTenant(server, created.secretKey);
      expect(admin.status).toBe(200);
      expect(await admin.json()).toMatchObject({ tenantId: created.id, name: 'Northwind' });
      const session = await fetch(`${server.url}/v1/sessions`, { method: 'POST', headers: { 'x-prex-key': created.publishableKey, origin: 'https://shop.northwind.example' } });
      expect(session.status).toBe(201);
      const elsewhere = await fetch(`${server.url}/v1/sessions`, { method: 'POST', headers: { 'x-prex-key': created.publishableKey, origin: 'https://evil.example' } });
      expect(elsewhere.status).toBe(403);
    });
  });

  it('lists tenants without their secret keys', async () => {
    const result = await prex(['tenants', 'list', '--json'], env);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(listed.map((t) => t.id)).toContain(created.id);
    expect(result.stdout).not.toContain('sk_');
  });

  it('refuses a bad origin or a missing name with a message saying what is wrong, and creates nothing', async () => {
    const before = JSON.parse((await prex(['tenants', 'list', '--json'], env)).stdout) as unknown[];
    const badOrigin = await prex(['tenants', 'create', '--name', 'Bad', '--origin', 'ftp://files.example'], env);
    expect(badOrigin.code).toBe(1);
    expect(badOrigin.stderr).toMatch(/allowedOrigins\.0: an origin is an http\(s\) URL/);
    const noName = await prex(['tenants', 'create', '--origin', 'https://a.example'], env);
    expect(noName.code).not.toBe(0);
    expect(noName.stderr).toMatch(/--name/);
    const after = JSON.parse((await prex(['tenants', 'list', '--json'], env)).stdout) as unknown[];
    expect(after).toHaveLength(before.length);
  });

  it('rotates a leaked key at once: the old key is refused, the new one works', async () => {
    const result = await prex(['keys', 'rotate', '--tenant', created.publishableKey, '--json'], env);
    expect(result.code).toBe(0);
    const { secretKey } = JSON.parse(result.stdout) as { secretKey: string };
    expect(secretKey).not.toBe(created.secretKey);
    await withServer(async (server) => {
      expect((await adminTenant(server, created.secretKey)).status).toBe(401);
      expect((await adminTenant(server, secretKey)).status).toBe(200);
    });
    created = { ...created, secretKey };
  });

  it('rotates with a grace period: both keys work until it ends', async () => {
    const result = await prex(['keys', 'rotate', '--tenant', created.id, '--grace', '3600'], env);
    expect(result.code).toBe(0);
    const newKey = /New secret key for \S+ \(Northwind\): (sk_\S+)/.exec(result.stdout)?.[1];
    expect(newKey).toBeDefined();
    expect(result.stdout).toMatch(/Older keys keep working until \d{4}-/);
    await withServer(async (server) => {
      expect((await adminTenant(server, created.secretKey)).status).toBe(200);
      expect((await adminTenant(server, newKey!)).status).toBe(200);
    });
  });

  it('refuses an unknown tenant and a grace period out of range', async () => {
    const unknown = await prex(['keys', 'rotate', '--tenant', 'ten_nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No tenant ten_nope/);
    const tooLong = await prex(['keys', 'rotate', '--tenant', created.id, '--grace', '99999999'], env);
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stderr).toMatch(/a week/);
  });
});
