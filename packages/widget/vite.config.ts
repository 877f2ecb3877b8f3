import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';
import { testReporters } from '../../scripts/vitest-reporters.mjs';

/**
 * Protocol modules that `@prex/protocol/wire` re-exports but only lazy chunks use (the tenant CSS
 * filter, the phone-code and voice routes). They stay with their lazy chunk, not in pane.js. Should
 * the pane start using one of them, rolldown puts it in a common chunk that pane.js imports, and the
 * budget script fails the build: then take it off this list.
 */
const LAZY_ONLY_PROTOCOL = /[\\/]protocol[\\/]dist[\\/](?:tenant-css-rules|phone-codes-wire|voice-wire)\.js$/;

/**
 * pane.js is the whole first paint in one file: every module the entry reaches statically
 * ($initial) goes into the entry chunk, including Preact, signals and the code the lazy chunks
 * share with it. Left to itself, rolldown puts that shared code in a common chunk that pane.js
 * imports, which costs a cold open one more round trip before it paints. The lazy chunks import
 * it from pane.js instead (already loaded when they are). Recursion is off so the group takes only
 * what it tests, leaving the lazy-only protocol modules to their chunks; they are constant leaves,
 * so execution order is unaffected. scripts/check-budget.mjs fails the build if pane.js ever
 * imports another chunk statically.
 */
const PANE_GROUP = {
  name: 'pane',
  tags: ['$initial' as const],
  test: (id: string) => !LAZY_ONLY_PROTOCOL.test(id),
  includeDependenciesRecursively: false,
};

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
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Vite keeps whitespace and /*#__PURE__*/ comments in ES library builds (for re-bundling);
        // pane.js is served to browsers as is, so minify fully.
        minify: true,
        comments: false,
        codeSplitting: { groups: [PANE_GROUP] },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.{ts,tsx}'],
    reporters: testReporters('widget'),
  },
});
