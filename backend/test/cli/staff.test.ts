import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROUTES } from '@prex/protocol';
import { openPglite } from '../../src/db/pglite.js';
import { startServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import { ensureBuilt, prex } from '../helpers/cli.js';
import { silentLog } from '../helpers/db.js';
import { staffBrowser } from '../helpers/staff.js';

/**
 * The operator makes a workspace's first owner with the real `prex` command; the password it
 * prints once is the one the server's sign-in accepts.
 */

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-staff-'));
  env = { PREX_DATA_DIR: path.join(dir, 'data') };
  await ensureBuilt();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('prex staff create', { timeout: 180_000 }, () => {
  it('creates an owner with a password printed once, which signs in', async () => {
    const tenant = await prex(['tenants', 'create', '--name', 'Northwind', '--origin', 'https://shop.northwind.example', '--json'], env);
    expect(tenant.code).toBe(0);
    const { id: tenantId } = JSON.parse(tenant.stdout) as { id: string };

    const created = await prex(['staff', 'create', '--tenant', tenantId, '--email', 'Owner@Northwind.example', '--role', 'owner', '--json'], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const account = JSON.parse(created.stdout) as { email: string; role: string; password: string };
    expect(account).toMatchObject({ email: 'owner@northwind.example', role: 'owner', tenantId });
    expect(account.password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const again = await prex(['staff', 'create', '--tenant', tenantId, '--email', 'owner@northwind.example'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('owner@northwind.example already has a staff account');
    const badRole = await prex(['staff', 'create', '--tenant', tenantId, '--email', 'x@northwind.example', '--role', 'boss'], env);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('role must be "owner", "admin" or "agent"');

    const db = await openPglite(env.PREX_DATA_DIR!);
    const server = await startServer({ config: testConfig(), db, log: silentLog });
    try {
      const stored = await db.query<{ password_hash: string }>('select password_hash from staff_accounts where email = $1', ['owner@northwind.example']);
      expect(stored[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$3\$/);
      expect(stored[0]!.password_hash).not.toContain(account.password);
      const browser = staffBrowser(server.url);
      const login = await browser.login('owner@northwind.example', account.password);
      expect(login.status).toBe(200);
      expect((await browser.call('GET', STAFF_ROUTES.me)).status).toBe(200);
    } finally {
      await server.close();
      await db.close();
    }
  });
});
