import { fromMinorUnits, type Product, type ProductRecord } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/** The tenant's catalog. Every query filters by tenant_id. */

interface ProductRow {
  sku: string;
  name: string;
  description: string;
  price_cents: number | null;
  currency: string | null;
  url: string | null;
  in_stock: boolean | null;
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'sku, name, description, price_cents, currency, url, in_stock, attributes, created_at, updated_at';

export function toProduct(row: ProductRow): Product {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: row.price_cents !== null && row.currency ? fromMinorUnits(Number(row.price_cents), row.currency) : null,
    currency: row.currency,
    url: row.url,
    inStock: row.in_stock,
    attributes: row.attributes ?? {},
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/**
 * Inserts or updates products by sku in one statement (all or nothing). Skus must be unique within
 * the batch: Postgres cannot update one row twice in a statement (callers reject duplicates first).
 */
export async function upsertProducts(db: Db, tenantId: string, products: readonly ProductRecord[]): Promise<{ created: number; updated: number }> {
  if (products.length === 0) return { created: 0, updated: 0 };
  const items = products.map((p) => ({ ...p, id: newId('prd') }));
  // xmax = 0 only on a freshly inserted row version: tells creations from updates.
  const rows = await db.query<{ inserted: boolean }>(
    `insert into products as p (id, tenant_id, sku, name, description, price_cents, currency, url, in_stock, attributes)
     select i.id, $1, i.sku, i.name, i.description, i."priceCents", i.currency, i.url, i."inStock", coalesce(i.attributes, '{}'::jsonb)
       from jsonb_to_recordset($2::jsonb) as i(id text, sku text, name text, description text, "priceCents" bigint,
                                                currency text, url text, "inStock" boolean, attributes jsonb)
     on conflict (tenant_id, sku) do update
        set name = excluded.name, description = excluded.description, price_cents = excluded.price_cents,
            currency = excluded.currency, url = excluded.url, in_stock = excluded.in_stock,
            attributes = excluded.attributes, updated_at = now()
     returning (xmax = 0) as inserted`,
    [tenantId, JSON.stringify(items)],
  );
  const created = rows.filter((r) => r.inserted).length;
  return { created, updated: rows.length - created };
}

export async function getProduct(db: Db, tenantId: string, sku: string): Promise<Product | undefined> {
  const rows = await db.query<ProductRow>(`select ${COLUMNS} from products where tenant_id = $1 and sku = $2`, [tenantId, sku]);
  return rows[0] ? toProduct(rows[0]) : undefined;
}

/** True when the product existed. */
export async function deleteProduct(db: Db, tenantId: string, sku: string): Promise<boolean> {
  const rows = await db.query('delete from products where tenant_id = $1 and sku = $2 returning id', [tenantId, sku]);
  return rows.length > 0;
}

export interface ProductQuery {
  /** Words to look for (any of them; best matches first). Absent: every product, by sku. */
  q?: string | undefined;
  inStockOnly?: boolean | undefined;
  limit: number;
  offset: number;
}

/**
 * The words of a free-text query as a tsquery matching any of them. Only letters and digits pass,
 * so the text the model or an admin typed can never inject tsquery operators.
 */
export function anyWordQuery(q: string): string {
  const words = (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 20);
  return [...new Set(words)].join(' | ');
}

/** The WHERE clause and parameters (from $1) of a catalog query, shared by the page and its count. */
function productFilter(tenantId: string, query: ProductQuery): { where: string; rank: string; params: unknown[] } {
  const q = query.q?.trim() ?? '';
  const inStock = query.inStockOnly ? ' and in_stock is true' : '';
  if (!q) return { where: `tenant_id = $1${inStock}`, rank: 'sku', params: [tenantId] };
  const terms = `(to_tsquery('english', $2) || to_tsquery('simple', $2))`;
  return {
    where: `tenant_id = $1${inStock} and ((length($2) > 0 and tsv @@ ${terms}) or lower(sku) = lower($3))`,
    // An exact sku first, then by relevance.
    rank: `(lower(sku) = lower($3)) desc, ts_rank(tsv, ${terms}) desc, sku`,
    params: [tenantId, anyWordQuery(q), q],
  };
}

/** One page of the tenant's products (best matches first with q, else by sku) and how many match in all. */
export async function listProducts(db: Db, tenantId: string, query: ProductQuery): Promise<{ products: Product[]; total: number }> {
  const { where, rank, params } = productFilter(tenantId, query);
  const n = params.length;
  const rows = await db.query<ProductRow>(`select ${COLUMNS} from products where ${where} order by ${rank} limit $${n + 1} offset $${n + 2}`, [
    ...params,
    query.limit,
    query.offset,
  ]);
  // Counted apart so a page past the end still reports the total.
  const wholeResultOnPage = query.offset === 0 && rows.length < query.limit;
  const total = wholeResultOnPage ? rows.length : Number((await db.query<{ total: number }>(`select count(*)::int as total from products where ${where}`, params))[0]?.total ?? 0);
  return { products: rows.map(toProduct), total };
}
