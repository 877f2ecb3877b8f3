import { defineConfig } from 'vitest/config';
import { testReporters } from '../scripts/vitest-reporters.mjs';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts one throwaway Postgres server for the storage suite (see test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // Creating an embedded PGlite database takes a few seconds on a small machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: testReporters('backend'),
  },
});
