import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/db.js';
import { importAgents, validateAgentsDocument } from '../agents/import.js';
import { listAgents } from '../agents/repository.js';
import { readAgentsYaml } from '../agents/yaml.js';
import { readProductCsv } from '../products/csv.js';
import { listProducts, upsertProducts } from '../products/repository.js';
import { validateProducts } from '../products/validate.js';

/** backend/seed, from backend/src/seed or backend/dist/seed. */
const SEED_DIR = fileURLToPath(new URL('../../seed/', import.meta.url));
export const DEMO_AGENTS_FILE = `${SEED_DIR}demo-agents.yaml`;
export const DEMO_PRODUCTS_FILE = `${SEED_DIR}demo-products.csv`;

/**
 * The demo's agents (support, the default, and sales) and its product catalog, through the same
 * parsers as the admin API's YAML and CSV imports. Written only while the tenant has none, so
 * whatever an operator changes through the API survives restarts.
 */
export async function seedDemoAgentsAndCatalog(db: Db, tenantId: string): Promise<{ agents: number; products: number }> {
  return { agents: await seedAgents(db, tenantId), products: await seedCatalog(db, tenantId) };
}

async function seedAgents(db: Db, tenantId: string): Promise<number> {
  if ((await listAgents(db, tenantId)).length > 0) return 0;
  const doc = validateAgentsDocument(readAgentsYaml(await readFile(DEMO_AGENTS_FILE, 'utf8')));
  const { changes } = await importAgents(db, tenantId, doc, { dryRun: false });
  return changes.length;
}

async function seedCatalog(db: Db, tenantId: string): Promise<number> {
  const { total } = await listProducts(db, tenantId, { limit: 1, offset: 0 });
  if (total > 0) return 0;
  const products = validateProducts(readProductCsv(await readFile(DEMO_PRODUCTS_FILE, 'utf8')), 'demo catalog');
  const { created } = await upsertProducts(db, tenantId, products);
  return created;
}
