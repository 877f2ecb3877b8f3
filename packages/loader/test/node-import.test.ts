// @vitest-environment node
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('@prex/loader imported where there is no page (SSR, a Node script)', () => {
  it('the published entry imports in plain Node without throwing and installs nothing', async () => {
    // Node itself resolves the package's own name to its "exports" entry, the built dist/loader.js.
    const probe = "await import('@prex/loader'); console.log(typeof globalThis.Prex);";
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', probe], { cwd: PACKAGE_DIR });
    expect(stderr).toBe('');
    expect(stdout).toBe('undefined\n');
  });

  it('the source entry does the same', async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    await expect(import('../src/main.js')).resolves.toBeDefined();
    expect((globalThis as { Prex?: unknown }).Prex).toBeUndefined();
  });
});
