import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testReporters } from '../../scripts/vitest-reporters.mjs';

/** loader.js: one classic script (IIFE), minified, no dependencies; the pane is import()ed at run time. */
export default defineConfig({
  build: {
    target: 'es2020',
    minify: true,
    sourcemap: false,
    emptyOutDir: true,
    lib: {
      entry: fileURLToPath(new URL('src/main.ts', import.meta.url)),
      formats: ['iife'],
      name: 'PrexLoader',
      fileName: () => 'loader.js',
    },
  },
  test: {
    environment: 'happy-dom',
    // the fake <script src="https://prex.example/loader.js"> tags are not fetched
    environmentOptions: { happyDOM: { settings: { handleDisabledFileLoadingAsSuccess: true } } },
    include: ['test/**/*.test.ts'],
    reporters: testReporters('loader'),
  },
});
