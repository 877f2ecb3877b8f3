// Fails the build when the pane's initial download (pane.js plus the chunks it imports
// statically) is over budget gzipped. Lazy chunks (import()) are not counted.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET = 30_000;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const seen = new Set();
let raw = 0;
let gz = 0;
function visit(file) {
  if (seen.has(file)) return;
  seen.add(file);
  const code = readFileSync(file);
  raw += code.length;
  gz += gzipSync(code, { level: 9 }).length;
  // static imports only: `import"./x.js"`, `from"./x.js"` (not `import("./x.js")`)
  for (const m of code.toString().matchAll(/(?:\bfrom\s*|\bimport\s*)["'`](\.{1,2}\/[^"'`]+)["'`]/g)) {
    visit(resolve(dirname(file), m[1]));
  }
}
visit(join(dist, 'pane.js'));
const files = [...seen].map((f) => f.slice(dist.length + 1)).join(' + ');
console.log(`pane initial JS (${files}): ${raw} B raw, ${gz} B gzip (budget ${BUDGET} B)`);
if (gz > BUDGET) {
  console.error(`pane.js is over budget by ${gz - BUDGET} B gzipped`);
  process.exit(1);
}
