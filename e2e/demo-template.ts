import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@prex/backend/config';
import { startServer } from '@prex/backend/server';

/**
 * A migrated, demo-seeded PGlite data directory made once per test run and copied into each
 * stack's scratch directory. Migrating and ingesting the demo knowledge base takes about ten
 * seconds on these machines; a copy and a start on an existing directory about one. The seed is
 * idempotent on an existing directory (it syncs the allowed origins to the stack's host page), so
 * a stack started from the copy sees what a fresh one would.
 */

/** Where global-setup tells the workers the template is (workers inherit the environment). */
const TEMPLATE_ENV = 'PREX_E2E_DEMO_TEMPLATE';

/** What the seed returns only on the start that creates them (never stored in clear). */
export interface DemoCredentials {
  secretKey: string;
  owner: { email: string; password: string };
}

const credentialsFile = (dir: string) => join(dir, 'credentials.json');
const dataDirOf = (dir: string) => join(dir, 'data');

/** Makes the template (global setup) and returns its directory, also exported through the environment. */
export async function createDemoTemplate(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'prex-e2e-template-'));
  const dataDir = dataDirOf(dir);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    PREX_DATA_DIR: dataDir,
    PREX_SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    PREX_CLASSIFIER: 'rules',
    PREX_OUTBOX_DIR: join(dir, 'outbox'),
  });
  const backend = await startServer({ config });
  const { secretKey, owner } = backend.demo ?? {};
  await backend.close();
  if (!secretKey || !owner) throw new Error('the demo seed did not create the demo tenant and owner on a fresh directory');
  writeFileSync(credentialsFile(dir), JSON.stringify({ secretKey, owner } satisfies DemoCredentials));
  process.env[TEMPLATE_ENV] = dir;
  return dir;
}

export function removeDemoTemplate(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Copies the template's database into `dataDir` and returns the demo's credentials, or undefined
 * when no template was made (a spec run without the global setup): the stack then seeds afresh.
 */
export function copyDemoTemplate(dataDir: string): DemoCredentials | undefined {
  const dir = process.env[TEMPLATE_ENV];
  if (!dir) return undefined;
  cpSync(dataDirOf(dir), dataDir, { recursive: true });
  return JSON.parse(readFileSync(credentialsFile(dir), 'utf8')) as DemoCredentials;
}
