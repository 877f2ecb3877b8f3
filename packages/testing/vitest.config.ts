import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// `npm test` (scripts/prex.mjs) sets PREX_TEST_REPORT_DIR and sums every package's JSON report.
const reportDir = process.env.PREX_TEST_REPORT_DIR;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starting a real Postgres server (initdb) takes seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: reportDir ? ['default', ['json', { outputFile: join(reportDir, 'testing.json') }]] : ['default'],
  },
});
