// Fails the build when pane.js imports another chunk statically (each such import is one more round
// trip before a cold open paints; vite.config.ts keeps the first paint in one file), when the pane's
// initial download (pane.js plus any static imports) is over budget gzipped, or when a budgeted lazy
// chunk (import()) is. A lazy chunk's size is its own file plus anything it imports statically that
// the pane has not loaded already.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const PANE_BUDGET = 30_000;
/** Lazy chunks by name (chunks/<name>-<hash>.js) and their gzip budgets. */
const LAZY_BUDGETS = { 'account-panel': 8_000, 'tenant-css': 2_000, attach: 4_000 };

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** Relative static imports only: `import"./x.js"`, `from"./x.js"` (not `import("./x.js")`). */
function staticImports(code) {
  return [...code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'`](\.{1,2}\/[^"'`]+)["'`]/g)].map((m) => m[1]);
}

/** Sizes of `file` and its static imports, skipping files in `loaded` (which it fills). */
function measure(file, loaded) {
  let raw = 0;
  let gz = 0;
  const files = [];
  const visit = (f) => {
    if (loaded.has(f)) return;
    loaded.add(f);
    files.push(f.slice(dist.length + 1));
    const code = readFileSync(f);
    raw += code.length;
    gz += gzipSync(code, { level: 9 }).length;
    for (const spec of staticImports(code.toString())) visit(resolve(dirname(f), spec));
  };
  visit(file);
  return { raw, gz, files: files.join(' + ') };
}

let failed = false;
function report(label, { raw, gz, files }, budget) {
  console.log(`${label} (${files}): ${raw} B raw, ${gz} B gzip (budget ${budget} B)`);
  if (gz > budget) {
    console.error(`${label} is over budget by ${gz - budget} B gzipped`);
    failed = true;
  }
}

const paneImports = staticImports(readFileSync(join(dist, 'pane.js'), 'utf8'));
if (paneImports.length > 0) {
  console.error(`pane.js imports ${paneImports.join(', ')} statically: the first paint must be one file (see vite.config.ts)`);
  failed = true;
}
const paneFiles = new Set();
report('pane initial JS', measure(join(dist, 'pane.js'), paneFiles), PANE_BUDGET);
const chunks = readdirSync(join(dist, 'chunks'));
for (const [name, budget] of Object.entries(LAZY_BUDGETS)) {
  const file = chunks.find((f) => f.startsWith(`${name}-`) && f.endsWith('.js'));
  if (!file) {
    console.error(`lazy chunk ${name} not found in dist/chunks`);
    failed = true;
    continue;
  }
  report(`lazy chunk ${name}`, measure(join(dist, 'chunks', file), new Set(paneFiles)), budget);
}
if (failed) process.exit(1);
