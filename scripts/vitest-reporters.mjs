// Shared by every package's vitest config: `npm test` (scripts/prex.mjs) sets PREX_TEST_REPORT_DIR
// and sums the JSON reports into one closing "N passed, N failed" line.
import { join } from 'node:path';

/** @param {string} name the report's file name, one per package */
export function testReporters(name) {
  const dir = process.env.PREX_TEST_REPORT_DIR;
  return dir ? ['default', ['json', { outputFile: join(dir, `${name}.json`) }]] : ['default'];
}
