import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The console is an app, not a library: index.html plus hashed assets, served by the backend under
 * /console (with index.html for every /console/* path). Routes other than the inbox are lazy chunks.
 * It shares no bytes with the widget: the visitor's pane never loads any of this.
 */
export default defineConfig({
  base: '/console/',
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false })],
  build: {
    target: 'es2020',
    sourcemap: false,
    emptyOutDir: true,
    assetsDir: 'assets',
    rolldownOptions: {
      // theme-preview.html: the Theme page's preview document (its own CSP; see src/theme-preview/main.ts).
      input: { index: 'index.html', 'theme-preview': 'theme-preview.html' },
      output: { minify: true, comments: false },
    },
  },
});
