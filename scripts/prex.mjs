#!/usr/bin/env node
// The two commands a new user runs: `npm run demo` and `npm test`.
// Only Node 20 and npm may exist on the machine, so this file uses nothing but Node's standard
// library: it installs pnpm, the workspace's dependencies and (for tests) the system packages the
// test suite drives — Debian's Chromium and PostgreSQL — then hands over to pnpm/turbo.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const env = {
  ...process.env,
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

function log(message) {
  process.stdout.write(`\n\x1b[1m▸ ${message}\x1b[0m\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function mustRun(command, args, options) {
  const status = run(command, args, options);
  if (status !== 0) {
    console.error(`\n✖ ${command} ${args.join(' ')} exited with ${status}`);
    process.exit(status);
  }
}

function commandVersion(command) {
  const result = spawnSync(command, ['--version'], { env, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function ensurePnpm() {
  if (commandVersion('pnpm') === PNPM_VERSION) return;
  log(`Installing pnpm ${PNPM_VERSION} (npm i -g)`);
  mustRun('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`, '--no-fund', '--no-audit']);
}

function installDependencies() {
  log('Installing workspace dependencies (pnpm install)');
  mustRun('pnpm', ['install', '--frozen-lockfile']);
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function postgresInstalled() {
  const base = '/usr/lib/postgresql';
  return existsSync(base) && readdirSync(base).some((v) => existsSync(join(base, v, 'bin', 'postgres')));
}

/** Debian packages the tests drive: a real browser and a real Postgres server. */
function ensureSystemPackages() {
  const missing = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!postgresInstalled()) missing.push('postgresql');
  if (missing.length === 0) return;
  if (!isRoot() || !existsSync('/usr/bin/apt-get')) {
    console.error(`✖ The tests need Debian packages: ${missing.join(' ')}. Install them with:\n  sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  log(`Installing system packages: ${missing.join(' ')} (apt-get)`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  mustRun('apt-get', ['update', '-qq'], { env: aptEnv });
  mustRun('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: aptEnv });
}

function build() {
  log('Building packages (turbo run build)');
  mustRun('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
}

/** Sums the JSON reports the test runners wrote, for one closing line over the whole suite. */
function summarize(reportDir) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  if (!existsSync(reportDir)) return { passed, failed, skipped };
  for (const file of readdirSync(reportDir).filter((f) => f.endsWith('.json'))) {
    const report = JSON.parse(readFileSync(join(reportDir, file), 'utf8'));
    if (report.stats && 'expected' in report.stats) {
      // Playwright's JSON reporter
      passed += report.stats.expected + (report.stats.flaky ?? 0);
      failed += report.stats.unexpected;
      skipped += report.stats.skipped;
    } else {
      // Vitest's JSON reporter (Jest-compatible)
      passed += report.numPassedTests ?? 0;
      failed += report.numFailedTests ?? 0;
      skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    }
  }
  return { passed, failed, skipped };
}

function test() {
  ensurePnpm();
  installDependencies();
  ensureSystemPackages();
  build();
  const reportDir = join(root, 'test-results', 'reports');
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const testEnv = { ...env, PREX_TEST_REPORT_DIR: reportDir };

  log('Typechecking (turbo run typecheck)');
  const typecheck = run('pnpm', ['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only'], { env: testEnv });
  // One at a time: the end-to-end suite and the Postgres-backed suites compete for 2 cores otherwise.
  log('Tests: unit, integration and end-to-end in Chromium (turbo run test)');
  const tests = run('pnpm', ['exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue'], { env: testEnv });

  const { passed, failed, skipped } = summarize(reportDir);
  const ok = typecheck === 0 && tests === 0;
  console.log(`\ntypecheck: ${typecheck === 0 ? 'ok' : 'FAILED'}  tests: ${tests === 0 ? 'ok' : 'FAILED'}`);
  console.log(`${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed, ${skipped} skipped`);
  process.exit(ok ? 0 : 1);
}

function demo() {
  ensurePnpm();
  installDependencies();
  build();
  log('Starting the demo (Ctrl+C to stop)');
  const child = spawn(process.execPath, [join(root, 'examples', 'demo.mjs')], { cwd: root, env, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

function bench() {
  ensurePnpm();
  installDependencies();
  build();
  mustRun('pnpm', ['--filter', '@prex/bench', 'bench', ...process.argv.slice(3)]);
}

const commands = { demo, test, bench };
const name = process.argv[2];
if (!name || !(name in commands)) {
  console.error(`usage: node scripts/prex.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
commands[name]();
