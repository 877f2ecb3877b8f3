// Fails the build when dist/loader.js is over budget gzipped; prints the figure.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 3_000;
const code = readFileSync(new URL('../dist/loader.js', import.meta.url));
const gz = gzipSync(code, { level: 9 }).length;
console.log(`loader.js: ${code.length} B raw, ${gz} B gzip (budget ${BUDGET} B)`);
if (gz > BUDGET) {
  console.error(`loader.js is over budget by ${gz - BUDGET} B gzipped`);
  process.exit(1);
}
if (/preact|eventsource/i.test(code.toString())) {
  console.error('loader.js contains pane code; the pane must only arrive through import()');
  process.exit(1);
}
