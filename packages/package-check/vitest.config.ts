import { defineConfig } from 'vitest/config';
import { testReporters } from '../../scripts/vitest-reporters.mjs';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Packing, npm install (registry or npm's cache), tsc and a Vite build: bounded by these
    // guards, never by a speed expectation.
    hookTimeout: 300_000,
    testTimeout: 180_000,
    reporters: testReporters('package-check'),
  },
});
