// `npm run demo`: the Prex backend on the embedded database (port 8787, with the staff console at
// /console) and the example host pages (port 8080: an index linking plain-html, strict-csp, inline
// and spa). Run after the workspace is built (scripts/prex.mjs does that).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../packages/testing/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function portFrom(name, fallback) {
  const value = process.env[name] ?? String(fallback);
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`✖ ${name} must be a port number from 1 to 65535, got "${value}"`);
    process.exit(2);
  }
  return port;
}

const BACKEND_PORT = portFrom('PORT', 8787);
const HOST_PAGE_PORT = portFrom('PREX_DEMO_PAGE_PORT', 8080);

// The demo tenant must accept the pages wherever they are served: their origins follow
// PREX_DEMO_PAGE_PORT (the backend's default list names port 8080 only), next to any the user set.
const pageOrigins = [`http://localhost:${HOST_PAGE_PORT}`, `http://127.0.0.1:${HOST_PAGE_PORT}`];
const configuredOrigins = (process.env.PREX_DEMO_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
const demoOrigins = [...new Set([...configuredOrigins, ...pageOrigins])].join(',');

const backend = spawn(process.execPath, [join(root, 'backend', 'dist', 'main.js')], {
  cwd: root,
  env: { PREX_DATA_DIR: join(root, '.prex', 'data'), ...process.env, PORT: String(BACKEND_PORT), PREX_DEMO_ORIGINS: demoOrigins },
  stdio: 'inherit',
});

// The SPA example is a Vite app: build it under /spa/dist/ with the workspace's vite, if present.
const vite = join(root, 'packages', 'widget', 'node_modules', 'vite', 'bin', 'vite.js');
if (existsSync(vite)) {
  spawnSync(process.execPath, [vite, 'build', join(root, 'examples', 'spa'), '--base', '/spa/dist/', '--logLevel', 'warn'], { stdio: 'inherit' });
}

const hostPage = await startStaticServer({
  root: join(root, 'examples'),
  port: HOST_PAGE_PORT,
  host: '127.0.0.1',
  // The example hard-codes the default backend port; follow PORT when it was changed.
  rewrite: (_path, body) => body.replaceAll('http://localhost:8787', `http://localhost:${BACKEND_PORT}`),
});

console.log(`\n  Prex demo: http://localhost:${HOST_PAGE_PORT}/  (pick an example, click the launcher, ask "How do I get a refund?")`);
console.log(`  Staff console: http://localhost:${BACKEND_PORT}/console  (sign in with the demo owner login printed on the first start)\n`);

const stop = async () => {
  backend.kill('SIGTERM');
  await hostPage.close();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
backend.on('exit', async (code) => {
  await hostPage.close();
  process.exit(code ?? 0);
});
