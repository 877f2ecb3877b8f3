import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';
import { testReporters } from '../../scripts/vitest-reporters.mjs';

/**
 * The pane is served by the backend at /widget/pane.js and import()ed by the loader. One ES
 * module (plus hashed chunks if anything is lazy-loaded later), minified, with no process.env.
 */
export default defineConfig({
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false })],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    target: 'es2020',
    minify: true,
    sourcemap: false,
    emptyOutDir: true,
    cssCodeSplit: false,
    lib: {
      entry: fileURLToPath(new URL('src/mount.tsx', import.meta.url)),
      formats: ['es'],
      fileName: () => 'pane.js',
    },
    rolldownOptions: {
      // Lazy chunks (voice, account) import the Preact/signals/api code they share with pane.js
      // from pane.js itself: a strict entry signature would split that code into a third file.
      preserveEntrySignatures: 'allow-extension',
      // Vite keeps whitespace and /*#__PURE__*/ comments in ES library builds (for re-bundling);
      // pane.js is served to browsers as is, so minify fully.
      output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true, comments: false },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
    reporters: testReporters('widget'),
  },
});
