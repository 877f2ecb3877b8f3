import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The npm entry (`@prex/widget`, src/index.ts) for bundler users: an ES module in dist/npm/ that
 * leaves Preact and signals to the user's bundler (they are dependencies).
 * Built after the pane (which empties dist/); declarations come from tsconfig.types.json.
 */
export default defineConfig({
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false })],
  build: {
    target: 'es2020',
    minify: false,
    sourcemap: false,
    emptyOutDir: false,
    outDir: 'dist/npm',
    lib: {
      entry: fileURLToPath(new URL('src/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'index.js',
    },
    rolldownOptions: {
      external: [/^preact($|\/)/, /^@preact\/signals/],
    },
  },
});
