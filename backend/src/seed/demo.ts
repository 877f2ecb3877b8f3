import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ThemeOverride } from '@prex/protocol';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import { documentChecksum, upsertDocument, type DocumentInput } from '../knowledge/ingest.js';
import { listDocuments } from '../knowledge/repository.js';
import { createTenant, findByPublishableKey, normalizeOrigins, updateAllowedOrigins } from '../tenants/repository.js';
import type { Tenant } from '../tenants/tenant.js';
import { seedDemoAgentsAndCatalog } from './demo-extras.js';
import { ensureDemoOwner, type DemoOwner } from './demo-owner.js';

/** backend/seed/demo-kb, from backend/src/seed or backend/dist/seed. */
export const DEMO_KB_DIR = fileURLToPath(new URL('../../seed/demo-kb/', import.meta.url));
export const DEMO_HELP_CENTER = 'https://help.northwind.example';

const DEMO_TENANT_NAME = 'Northwind Notes';
const DEMO_THEME: ThemeOverride = {
  accentColor: '#0f766e',
  title: 'Northwind Notes help',
  greeting: 'Hi! Ask me about plans, billing, sync, sharing or anything else in Northwind Notes.',
};

export interface DemoSeedResult {
  tenant: Tenant;
  /** Present only on the start that created the tenant: the secret key is never stored in clear. */
  secretKey?: string;
  /** Present only on the start that created the console's demo owner: its password is never stored in clear. */
  owner?: DemoOwner;
  /** How many knowledge-base articles were (re)ingested, and how many were already up to date. */
  ingested: number;
  unchanged: number;
  /** Agents and products written on this start (0 once the tenant has its own). */
  agents: number;
  products: number;
}

/**
 * Makes sure the demo tenant exists with the configured key and origins, and that its knowledge
 * base matches backend/seed/demo-kb. Idempotent: a second start writes nothing (checksums).
 */
export async function seedDemo(db: Db, demo: Config['demo'], log: Logger): Promise<DemoSeedResult> {
  const { tenant, secretKey } = await ensureDemoTenant(db, demo, log);
  const owner = await ensureDemoOwner(db, tenant, log);
  let ingested = 0;
  let unchanged = 0;
  // Compared here first, so a restart neither chunks (the tokenizer's tables) nor opens a transaction per article.
  const stored = new Map((await listDocuments(db, tenant.id)).map((d) => [d.externalId, d.checksum]));
  for (const article of await loadDemoArticles()) {
    if (stored.get(article.externalId) === documentChecksum(article)) {
      unchanged += 1;
      continue;
    }
    const result = await upsertDocument(db, tenant.id, article);
    if (result.unchanged) unchanged += 1;
    else ingested += 1;
  }
  const { agents, products } = await seedDemoAgentsAndCatalog(db, tenant.id);
  log.info('demo knowledge base ready', { tenant: tenant.id, ingested, unchanged, agents, products });
  return { tenant, ingested, unchanged, agents, products, ...(secretKey ? { secretKey } : {}), ...(owner ? { owner } : {}) };
}

async function ensureDemoTenant(db: Db, demo: Config['demo'], log: Logger): Promise<{ tenant: Tenant; secretKey?: string }> {
  const existing = await findByPublishableKey(db, demo.publishableKey);
  if (existing) return { tenant: await syncOrigins(db, existing, demo.origins, log) };
  try {
    const created = await createTenant(db, {
      name: DEMO_TENANT_NAME,
      allowedOrigins: demo.origins,
      theme: DEMO_THEME,
      publishableKey: demo.publishableKey,
    });
    log.info('demo tenant created; its secret key (for /v1/admin routes) is shown only now', {
      tenant: created.tenant.id,
      secretKey: created.secretKey,
    });
    return created;
  } catch (err) {
    // Another process sharing the database created it between our lookup and insert.
    const raced = await findByPublishableKey(db, demo.publishableKey);
    if (raced) return { tenant: raced };
    throw err;
  }
}

async function syncOrigins(db: Db, tenant: Tenant, configured: string[], log: Logger): Promise<Tenant> {
  const wanted = normalizeOrigins(configured);
  const same = wanted.length === tenant.allowedOrigins.length && wanted.every((o) => tenant.allowedOrigins.includes(o));
  if (same) return tenant;
  await updateAllowedOrigins(db, tenant.id, wanted);
  log.info('demo tenant origins updated', { origins: wanted.join(',') });
  return { ...tenant, allowedOrigins: wanted };
}

/** Each *.md file is one article: its slug is the file name, its title the first `# ` line. */
export async function loadDemoArticles(dir = DEMO_KB_DIR): Promise<DocumentInput[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(
    files.map(async (file) => {
      const content = await readFile(`${dir}/${file}`, 'utf8');
      const slug = file.slice(0, -3);
      const title = /^#\s+(.+)$/m.exec(content)?.[1]?.trim() ?? slug;
      return { externalId: slug, title, url: `${DEMO_HELP_CENTER}/${slug}`, content };
    }),
  );
}
