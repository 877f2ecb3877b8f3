import { defineConfig } from 'vitest/config';
import { testReporters } from '../../scripts/vitest-reporters.mjs';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starting a real Postgres server (initdb) takes seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: testReporters('testing'),
  },
});
