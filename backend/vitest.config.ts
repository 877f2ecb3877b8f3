import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { testReporters } from '../scripts/vitest-reporters.mjs';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts one throwaway Postgres server for the storage suite (see test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // Vitest's default is one worker fewer than the cores: one on the 2-core machines CI runs on.
    // Most of a file's time is waiting (a child process, a loopback server, a database), so two
    // files side by side keep both cores busy. Every file has its own databases and ports.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Creating an embedded PGlite database takes a few seconds on a small machine, and many times
    // that on a loaded one: the limits catch a hang, not a slow machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: testReporters('backend'),
  },
});
