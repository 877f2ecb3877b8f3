import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '@prex/testing';
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
