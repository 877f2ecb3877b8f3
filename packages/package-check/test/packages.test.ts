import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostApp, nodeInApp, runInApp } from './host-app.js';
import { entryPoints, pack, publicPackages, WORKSPACE_ROOT, workspacePackages, type Manifest } from './public-packages.js';
import { describeRun, run } from './run.js';
import { importedPackages, readPackedManifest, unpack } from './tarball.js';

// What `npm publish` of each public package would put on the registry, checked as a user meets it:
// the tarball's contents and manifest, publint and attw, then a fresh app outside the workspace that
// installs the tarballs with npm, typechecks (skipLibCheck: false), builds, and imports them in Node.

const ATTW = fileURLToPath(new URL('../node_modules/.bin/attw', import.meta.url));
const PUBLIC = publicPackages();
const NAMES = PUBLIC.map((p) => p.manifest.name);
const ENTRIES = PUBLIC.flatMap((p) => entryPoints(p.manifest));

/** Outside the workspace, so nothing resolves through the workspace's node_modules. */
const scratch = mkdtempSync(join(tmpdir(), 'prex-package-check-'));
const tarballs = new Map<string, string>();
const unpacked = new Map<string, string>();

beforeAll(async () => {
  for (const pkg of PUBLIC) {
    const tarball = await pack(pkg, join(scratch, 'tarballs'));
    tarballs.set(pkg.manifest.name, tarball);
    unpacked.set(pkg.manifest.name, await unpack(tarball));
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const packed = (name: string): Manifest => readPackedManifest(unpacked.get(name)!);

describe('which packages are published', () => {
  it('the loader, the protocol and the widget; the console, the test stand-ins and this check stay private', () => {
    expect([...NAMES].sort()).toEqual(['@prex/loader', '@prex/protocol', '@prex/widget']);
    const privates = workspacePackages().filter((p) => p.manifest.private).map((p) => p.manifest.name);
    expect(privates).toEqual(expect.arrayContaining(['@prex/console', '@prex/testing', '@prex/package-check']));
  });
});

describe.each(NAMES)('%s, packed as `pnpm publish` would', (name) => {
  it('ships a README, the licence, and names its licence and repository', () => {
    const dir = unpacked.get(name)!;
    expect(existsSync(join(dir, 'README.md')), 'README.md').toBe(true);
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const manifest = packed(name);
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//), directory: expect.any(String) });
  });

  it('has no workspace: ranges left, and every package its .js and .d.ts files import is a dependency', () => {
    const manifest = packed(name);
    const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
    expect(Object.values(declared).filter((range) => range.startsWith('workspace:'))).toEqual([]);
    const missing = [...importedPackages(unpacked.get(name)!, name)]
      .filter(([pkg]) => !(pkg in declared))
      .map(([pkg, file]) => `${pkg} (imported by ${file})`);
    expect(missing).toEqual([]);
  });

  it('passes publint, strict, down to its suggestions', async () => {
    const tarball = readFileSync(tarballs.get(name)!);
    const { messages, pkg } = await publint({ pack: { tarball: new Uint8Array(tarball).buffer }, level: 'suggestion', strict: true });
    expect(messages.map((m) => formatMessage(m, pkg, { color: false }))).toEqual([]);
  });

  it('passes Are The Types Wrong for ESM consumers (node16 from ESM, bundlers)', async () => {
    // The packages are ES modules only, by design (browser code and a Node ≥ 20 audience), so the
    // esm-only profile: it leaves out node10 and `require()` from CommonJS, which would otherwise
    // report every entry as "ESM (dynamic import only)".
    const result = await run(ATTW, [tarballs.get(name)!, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-color', '--no-emoji'], {
      cwd: scratch,
    });
    expect(result.code, describeRun('attw', result)).toBe(0);
    expect(result.stdout, 'every package ships types').not.toMatch(/does not contain types/);
  });
});

describe('installed by npm into a fresh Vite + TypeScript app outside the workspace', () => {
  const app = join(scratch, 'host-app');

  beforeAll(async () => {
    expect(relative(WORKSPACE_ROOT, app).startsWith('..')).toBe(true);
    const widget = PUBLIC.find((p) => p.manifest.name === '@prex/widget')!.manifest.devDependencies ?? {};
    const tools = { typescript: widget.typescript!, vite: widget.vite! };
    await createHostApp(app, { tarballs, tools });
  });

  it('typechecks with skipLibCheck: false, the packages types real (not any)', async () => {
    const result = await runInApp(app, 'typescript/bin/tsc', ['-p', 'tsconfig.json']);
    expect(result.code, describeRun('tsc', result)).toBe(0);
  });

  it('builds with Vite', async () => {
    const result = await runInApp(app, 'vite/bin/vite.js', ['build', '--logLevel', 'warn']);
    expect(result.code, describeRun('vite build', result)).toBe(0);
    expect(existsSync(join(app, 'dist', 'index.html'))).toBe(true);
  });

  it.each(ENTRIES)('%s imports in plain Node without touching browser globals', async (entry) => {
    const result = await nodeInApp(app, `await import(${JSON.stringify(entry)}); console.log(typeof globalThis.Prex);`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('undefined\n');
    expect(result.code).toBe(0);
  });

  it("the widget's createPrex on the server returns an instance whose calls do nothing", async () => {
    const source = `
      const { createPrex } = await import('@prex/widget');
      const prex = createPrex({ publishableKey: 'pk_test', apiBase: 'https://prex.example' });
      prex.open(); prex.toggle(); prex.update({ locale: 'de' }); prex.identify({ userId: 'u1' }, 'sig');
      prex.on('open', () => {})(); prex.close(); prex.shutdown();
      console.log('inert');`;
    const result = await nodeInApp(app, source);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('inert\n');
  });
});
