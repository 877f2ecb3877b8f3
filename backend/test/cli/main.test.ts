import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { closedPort } from '@prex/testing';
import { registerCommands, requestedCommand } from '../../src/cli/commands.js';
import { LISTINGS } from '../../src/cli/listings.js';
import { ensureBuilt, prex } from '../helpers/cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-cli-main-'));
  await writeFile(path.join(dir, 'refunds.md'), '# Refunds\n\nRefunds take five business days.');
  await ensureBuilt();
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('prex --version', () => {
  it("prints backend/package.json's version and exits 0", async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const out = await prex([flag], {});
      expect(out).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});

describe('a CLI command whose server is down says which URL and why', () => {
  it('prex ingest --api against a closed port: connection refused to the upload URL, exit 1', async () => {
    const port = await closedPort();
    const out = await prex(['ingest', dir, '--api', `http://127.0.0.1:${port}`, '--no-progress'], { PREX_SECRET_KEY: `sk_${'0'.repeat(64)}` });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(`prex: connection refused to http://127.0.0.1:${port}/v1/admin/documents (is the server running, on that port?)\n`);
  });
});

describe('prex --help without loading the commands', () => {
  /** A program as main.ts builds it, with `load` in full and the rest as listings. */
  async function helpWith(load: string | undefined, path: string[] = []): Promise<string> {
    const program = new Command('prex').description('Prex operators’ tools').version('0.0.0', '-V, --version', 'print the Prex version');
    await registerCommands(program, load);
    let command = program;
    for (const name of path) command = command.commands.find((c) => c.name() === name)!;
    return command.helpInformation();
  }

  it('lists every command exactly as the full definitions would', async () => {
    expect(await helpWith(undefined)).toBe(await helpWith('all'));
    for (const name of Object.keys(LISTINGS)) expect(await helpWith(undefined)).toContain(LISTINGS[name as keyof typeof LISTINGS].term);
  });

  it('defines the command being run (or asked about with help) in full', async () => {
    expect(requestedCommand(['staff', 'create', '--tenant', 'pk_x'])).toBe('staff');
    expect(requestedCommand(['help', 'ingest'])).toBe('ingest');
    expect(requestedCommand(['--help'])).toBeUndefined();
    expect(await helpWith('restore', ['restore'])).toContain('--force');
    expect(await helpWith('staff', ['staff'])).toContain('create [options]');
  });

  it('the built CLI prints it and exits 0', async () => {
    const out = await prex(['--help'], {});
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(await helpWith('all'));
  });
});
