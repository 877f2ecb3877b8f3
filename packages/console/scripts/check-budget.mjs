// The console's byte budget (gzip), checked after every build: what a staff member downloads before
// the inbox is usable, and each lazy route on its own. Far larger than the widget's (staff use it
// all day on a desktop), but still a budget: a dependency that doubles it should be a decision.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
export const BUDGET = { initialBytes: 30_000, lazyChunkBytes: 12_000 };

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+)"/g)].map((m) => m[1]);
const all = readdirSync(join(dist, 'assets')).map((f) => `assets/${f}`);
const initialBytes = initial.reduce((sum, f) => sum + gz(join(dist, f)), 0) + gz(join(dist, 'index.html'));
const lazy = all.filter((f) => !initial.includes(f) && f.endsWith('.js'));

let failed = false;
console.log(`console initial (html + ${initial.length} assets): ${initialBytes} B gzip (budget ${BUDGET.initialBytes})`);
if (initialBytes > BUDGET.initialBytes) failed = true;
for (const f of lazy) {
  const bytes = gz(join(dist, f));
  console.log(`  lazy ${f}: ${bytes} B gzip (budget ${BUDGET.lazyChunkBytes})`);
  if (bytes > BUDGET.lazyChunkBytes) failed = true;
}
if (statSync(dist).isDirectory() && failed) {
  console.error('✖ the console is over its byte budget (packages/console/scripts/check-budget.mjs)');
  process.exit(1);
}
