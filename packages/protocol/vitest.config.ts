import { defineConfig } from 'vitest/config';
import { testReporters } from '../../scripts/vitest-reporters.mjs';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], reporters: testReporters('protocol') },
});
