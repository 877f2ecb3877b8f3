import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from './public-packages.js';
import { cleanEnv, describeRun, run } from './run.js';

const FIXTURE = fileURLToPath(new URL('../fixture', import.meta.url));

export interface HostAppDependencies {
  /** package name → path of its packed tarball */
  tarballs: Map<string, string>;
  /** vite and typescript at the versions the workspace uses (from the npm registry, or npm's cache) */
  tools: Record<string, string>;
}

/**
 * A fresh Vite + TypeScript app in `dir` (outside the workspace) with the tarballs installed by npm.
 * `overrides` makes a tarball's dependency on another of ours (the widget's "@prex/protocol": "^0.1.0")
 * resolve to the local tarball, as it would resolve to the published version from the registry.
 */
export async function createHostApp(dir: string, deps: HostAppDependencies): Promise<void> {
  cpSync(FIXTURE, dir, { recursive: true });
  const dependencies = Object.fromEntries([...deps.tarballs].map(([name, tarball]) => [name, `file:${tarball}`]));
  const overrides = Object.fromEntries([...deps.tarballs.keys()].map((name) => [name, `$${name}`]));
  const manifest: Partial<Manifest> & Record<string, unknown> = {
    name: 'prex-host-app',
    private: true,
    type: 'module',
    dependencies,
    devDependencies: deps.tools,
    overrides,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  const result = await run('npm', args, { cwd: dir, env: cleanEnv() });
  if (result.code !== 0) throw new Error(describeRun(`npm install in ${dir}`, result));
}

/** Runs a tool the app installed (node_modules/<package>/<bin>) with the app as working folder. */
export const runInApp = (dir: string, script: string, args: string[]) =>
  run(process.execPath, [join(dir, 'node_modules', script), ...args], { cwd: dir, env: cleanEnv() });

/** Plain Node, in the app (so bare specifiers resolve to the installed tarballs), no browser globals. */
export const nodeInApp = (dir: string, source: string) =>
  run(process.execPath, ['--input-type=module', '-e', source], { cwd: dir, env: cleanEnv() });
