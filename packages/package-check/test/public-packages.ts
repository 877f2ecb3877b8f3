import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRun, run } from './run.js';

export const WORKSPACE_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  dir: string;
  manifest: Manifest;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** Every package under packages/ (the published ones live there; backend, e2e and bench are apps). */
export function workspacePackages(): WorkspacePackage[] {
  const base = join(WORKSPACE_ROOT, 'packages');
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => readdirSync(dir).includes('package.json'))
    .map((dir) => ({ dir, manifest: readManifest(dir) }));
}

export const publicPackages = () => workspacePackages().filter((p) => !p.manifest.private);

/** The import specifiers a package offers: its name plus each `exports` subpath but package.json. */
export function entryPoints(manifest: Manifest): string[] {
  return Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => subpath !== './package.json')
    .map((subpath) => (subpath === '.' ? manifest.name : manifest.name + subpath.slice(1)));
}

/** `pnpm pack` (which rewrites workspace: ranges as `pnpm publish` does) into a folder of its own. */
export async function pack(pkg: WorkspacePackage, destination: string): Promise<string> {
  const folder = join(destination, pkg.manifest.name.replace('/', '+'));
  mkdirSync(folder, { recursive: true });
  const result = await run('pnpm', ['pack', '--pack-destination', folder], { cwd: pkg.dir });
  if (result.code !== 0) throw new Error(describeRun(`pnpm pack in ${pkg.dir}`, result));
  const [tarball] = readdirSync(folder).filter((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack in ${pkg.dir} wrote no tarball`);
  return join(folder, tarball);
}
