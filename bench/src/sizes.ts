import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Byte budgets from docs/architecture.md (gzip). */
export const BUDGETS = { loader: 3_000, pane: 30_000 } as const;

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface BundleSize {
  name: 'loader' | 'pane';
  /** Files a page downloads before the bundle can run (entry + its static imports). */
  files: FileSize[];
  raw: number;
  gzip: number;
  budget: number;
  /** Other .js files in dist that are loaded later (dynamic import) or not at all. */
  lazy: FileSize[];
  /** Null when the bundle is built; otherwise why it could not be measured. */
  missing: string | null;
}

function measure(dist: string, file: string): FileSize {
  const bytes = readFileSync(path.join(dist, file));
  return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function listJs(dist: string, sub = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dist, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'types' && !entry.name.startsWith('.')) out.push(...listJs(dist, rel));
    } else if (/\.m?js$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/**
 * The static imports at the top of an ES module (what the browser fetches before running it).
 * Bundlers emit them first; `import(...)` (lazy) and `import.meta` are not matched.
 */
export function staticImports(source: string): string[] {
  const found: string[] = [];
  const re = /^\s*(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)*(?:import|export)\s*(?:[^;"'()]*?\bfrom\s*)?["']([^"']+)["']\s*;?/;
  let rest = source;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    found.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return found;
}

/** Entry plus everything it statically imports (relative specifiers only), breadth-first. */
function initialSet(dist: string, entry: string): string[] {
  const manifestPath = path.join(dist, '.vite', 'manifest.json');
  if (existsSync(manifestPath)) {
    type Chunk = { file: string; imports?: string[]; isEntry?: boolean };
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, Chunk>;
    const start = Object.entries(manifest).find(([, c]) => c.file === entry);
    if (start) {
      const seen = new Set<string>();
      const queue = [start[0]];
      while (queue.length) {
        const key = queue.shift()!;
        const chunk = manifest[key];
        if (!chunk || seen.has(chunk.file)) continue;
        seen.add(chunk.file);
        queue.push(...(chunk.imports ?? []));
      }
      return [...seen];
    }
  }
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file) || !existsSync(path.join(dist, file))) continue;
    seen.add(file);
    for (const spec of staticImports(readFileSync(path.join(dist, file), 'utf8'))) {
      if (spec.startsWith('.')) queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
    }
  }
  return [...seen];
}

function bundle(name: BundleSize['name'], dist: string, entry: string): BundleSize {
  const budget = BUDGETS[name];
  if (!existsSync(path.join(dist, entry))) {
    return { name, files: [], raw: 0, gzip: 0, budget, lazy: [], missing: `${path.join(dist, entry)} not found (build it first)` };
  }
  const initial = initialSet(dist, entry);
  const files = initial.map((f) => measure(dist, f));
  const lazy = listJs(dist)
    .filter((f) => !initial.includes(f))
    .map((f) => measure(dist, f));
  return {
    name,
    files,
    raw: files.reduce((s, f) => s + f.raw, 0),
    // Each file travels (and is compressed) on its own, so the budget counts the sum of gzips.
    gzip: files.reduce((s, f) => s + f.gzip, 0),
    budget,
    lazy,
    missing: null,
  };
}

export function measureBundles(repoRoot: string): BundleSize[] {
  return [
    bundle('loader', path.join(repoRoot, 'packages', 'loader', 'dist'), 'loader.js'),
    bundle('pane', path.join(repoRoot, 'packages', 'widget', 'dist'), 'pane.js'),
  ];
}
