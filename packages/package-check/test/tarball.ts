import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { Manifest } from './public-packages.js';
import { describeRun, run } from './run.js';

/** Unpacks a tarball beside it; returns the package's folder (npm tarballs hold one `package/`). */
export async function unpack(tarball: string): Promise<string> {
  const into = join(dirname(tarball), 'unpacked');
  mkdirSync(into, { recursive: true });
  const result = await run('tar', ['-xzf', tarball, '-C', into], { cwd: into });
  if (result.code !== 0) throw new Error(describeRun(`tar -xzf ${tarball}`, result));
  return join(into, 'package');
}

export const readPackedManifest = (packageDir: string): Manifest =>
  JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Manifest;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** What a file imports (static, dynamic, `export … from`, `import("x")` types), read by TypeScript's scanner so code inside strings is not mistaken for an import. */
const specifiersIn = (file: string) => ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const isBare = (specifier: string) =>
  !specifier.startsWith('.') && !specifier.startsWith('/') && !/^[a-z]+:/.test(specifier) && !builtinModules.includes(specifier);

/**
 * The packages that the shipped .js and .d.ts files import, each with a file that does: what a
 * user's install must bring, so each one has to be a dependency (or peer dependency).
 */
export function importedPackages(packageDir: string, selfName: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of filesUnder(packageDir).filter((f) => /\.(m?js|d\.ts)$/.test(f))) {
    for (const specifier of specifiersIn(file)) {
      if (!isBare(specifier)) continue;
      const name = packageOf(specifier);
      if (name !== selfName && !found.has(name)) found.set(name, file.slice(packageDir.length + 1));
    }
  }
  return found;
}
