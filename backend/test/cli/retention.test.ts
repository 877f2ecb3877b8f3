import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, prex } from '../helpers/cli.js';

/**
 * An operator sets a tenant's data retention and rotates its publishable key with the real `prex`
 * command on the embedded database: bad input is refused with a message and exit code 1, and one
 * tenant's command never changes another's.
 */

let dir: string;
let env: Record<string, string>;
let northwind: { id: string; publishableKey: string };
let contoso: { id: string; publishableKey: string };

const create = async (name: string) => {
  const result = await prex(['tenants', 'create', '--name', name, '--origin', 'https://shop.example', '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { id: string; publishableKey: string };
};

const shown = async (tenant: string) => {
  const result = await prex(['retention', 'show', '--tenant', tenant, '--json'], env);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { conversationRetentionDays: number | null }).conversationRetentionDays;
};

// Each step starts the CLI on the embedded database: seconds each on a loaded machine.
describe('prex retention and prex keys rotate-publishable', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'prex-retention-'));
    env = { PREX_DATA_DIR: path.join(dir, 'data') };
    await ensureBuilt();
    northwind = await create('Northwind');
    contoso = await create('Contoso');
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows retention off, sets it in days for one tenant only, and turns it off', async () => {
    const off = await prex(['retention', 'show', '--tenant', northwind.id], env);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('conversations are kept (retention off)');

    const set = await prex(['retention', 'set', '90', '--tenant', northwind.publishableKey], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`${northwind.id} (Northwind): conversations quiet for more than 90 days are deleted`);
    expect(await shown(northwind.id)).toBe(90);
    expect(await shown(contoso.id)).toBeNull();

    const cleared = await prex(['retention', 'off', '--tenant', northwind.id, '--json'], env);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(JSON.parse(cleared.stdout)).toEqual({ tenantId: northwind.id, conversationRetentionDays: null });
  });

  it('refuses a period out of bounds, not a number or for no tenant, with exit code 1 and changes nothing', async () => {
    await prex(['retention', 'set', '30', '--tenant', contoso.id], env);
    const tooShort = await prex(['retention', 'set', '3', '--tenant', contoso.id], env);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/days is at least 7/);
    const words = await prex(['retention', 'set', 'ninety', '--tenant', contoso.id], env);
    expect(words.code).toBe(1);
    expect(words.stderr).toMatch(/days must be a number of days/);
    const tooLong = await prex(['retention', 'set', '4000', '--tenant', contoso.id], env);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/at most 3650/);
    const nobody = await prex(['retention', 'set', '30', '--tenant', 'ten_nobody'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/No tenant ten_nobody/);
    const noTenant = await prex(['retention', 'show'], env);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toMatch(/--tenant/);
    expect(await shown(contoso.id)).toBe(30);
  });

  it('rotates the publishable key of one tenant: with a grace the old key is listed until it ends', async () => {
    const rotated = await prex(['keys', 'rotate-publishable', '--tenant', northwind.id, '--grace', '3600', '--json'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const out = JSON.parse(rotated.stdout) as { tenantId: string; publishableKey: string; previousPublishableKeys: Array<{ publishableKey: string; expiresAt: string }> };
    expect(out.tenantId).toBe(northwind.id);
    expect(out.publishableKey).toMatch(/^pk_/);
    expect(out.publishableKey).not.toBe(northwind.publishableKey);
    expect(out.previousPublishableKeys.map((k) => k.publishableKey)).toEqual([northwind.publishableKey]);

    const listed = JSON.parse((await prex(['tenants', 'list', '--json'], env)).stdout) as Array<{ id: string; publishableKey: string }>;
    expect(listed.find((t) => t.id === northwind.id)?.publishableKey).toBe(out.publishableKey);
    expect(listed.find((t) => t.id === contoso.id)?.publishableKey).toBe(contoso.publishableKey);

    const atOnce = await prex(['keys', 'rotate-publishable', '--tenant', out.publishableKey], env);
    expect(atOnce.code, atOnce.stderr).toBe(0);
    expect(atOnce.stdout).toMatch(/New publishable key for \S+ \(Northwind\): pk_/);
    expect(atOnce.stdout).toContain('The old key stopped working now.');
  });

  it('refuses a bad grace with exit code 1 and keeps the key', async () => {
    const bad = await prex(['keys', 'rotate-publishable', '--tenant', contoso.id, '--grace', '-5'], env);
    expect(bad.code).toBe(1);
    const tooLong = await prex(['keys', 'rotate-publishable', '--tenant', contoso.id, '--grace', '999999999'], env);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/expected whole seconds from 0 to 604800/);
    const listed = JSON.parse((await prex(['tenants', 'list', '--json'], env)).stdout) as Array<{ id: string; publishableKey: string }>;
    expect(listed.find((t) => t.id === contoso.id)?.publishableKey).toBe(contoso.publishableKey);
  });
});
