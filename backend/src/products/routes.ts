import express, { type Request } from 'express';
import {
  PRODUCT_LIMITS,
  PRODUCT_ROUTES,
  productBatchSchema,
  productListQuerySchema,
  productPutSchema,
  skuSchema,
  type Product,
  type ProductListResponse,
  type ProductUpsertResponse,
} from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../auth/context.js';
import { badRequest, notFound } from '../http/errors.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { withTextGuard } from '../http/text-guard.js';
import { readProductCsv } from './csv.js';
import { deleteProduct, getProduct, listProducts, upsertProducts } from './repository.js';
import { validateProducts } from './validate.js';

const CSV_TYPES = ['text/csv', 'application/csv'];

function skuParam(req: Request): string {
  return parseInput(skuSchema, req.params.sku, 'sku');
}

/**
 * The tenant's product catalog (secret key), which the search_products tool searches:
 * - GET    /v1/admin/products?q=&limit=&offset=  list (best matches first with q)
 * - POST   /v1/admin/products                    JSON array upsert by sku, all or nothing
 * - POST   /v1/admin/products/import             text/csv with a header row, all or nothing
 * - GET | PUT | DELETE /v1/admin/products/:sku
 */
export function createProductsFeature(deps: { db: Db; routes: Routes }): Feature {
  const { db } = deps;
  const routes = deps.routes.admin();
  routes.get(PRODUCT_ROUTES.products, async (req, res) => {
    const query = parseInput(productListQuerySchema, req.query, 'query');
    const { products, total } = await listProducts(db, tenantOf(res).id, query);
    const out: ProductListResponse = { products, total, limit: query.limit, offset: query.offset };
    res.set('Cache-Control', 'no-store').json(out);
  });

  routes.post(PRODUCT_ROUTES.products, async (req, res) => {
    const items = parseJsonBody(productBatchSchema, req, 'products');
    const records = validateProducts(items.map((value, i) => ({ at: `item ${i}`, value })), 'products');
    const out: ProductUpsertResponse = await upsertProducts(db, tenantOf(res).id, records);
    res.json(out);
  });

  routes.post(PRODUCT_ROUTES.productsImport, withTextGuard(express.text({ type: CSV_TYPES, limit: PRODUCT_LIMITS.maxCsvBytes })), async (req, res) => {
    if (typeof req.body !== 'string') throw badRequest(`Expected a CSV body with Content-Type: text/csv (got ${req.get('content-type') ?? 'no Content-Type'})`);
    const records = validateProducts(readProductCsv(req.body), 'CSV');
    const out: ProductUpsertResponse = await upsertProducts(db, tenantOf(res).id, records);
    res.json(out);
  });

  routes.get(PRODUCT_ROUTES.product, async (req, res) => {
    const sku = skuParam(req);
    const product = await getProduct(db, tenantOf(res).id, sku);
    if (!product) throw notFound(`No product with sku ${sku}`);
    res.set('Cache-Control', 'no-store').json({ product } satisfies { product: Product });
  });

  routes.put(PRODUCT_ROUTES.product, async (req, res) => {
    const sku = skuParam(req);
    const body = parseJsonBody(productPutSchema, req, 'product');
    if (body.sku !== undefined && body.sku !== sku) throw badRequest(`The body's sku ${body.sku} differs from the sku in the path (${sku}); to rename a product, delete it and create the new one`);
    const [record] = validateProducts([{ at: 'product', value: { ...(req.body as object), sku } }], 'product');
    const tenantId = tenantOf(res).id;
    const { created } = await upsertProducts(db, tenantId, [record!]);
    res.status(created ? 201 : 200).json({ product: (await getProduct(db, tenantId, sku))! } satisfies { product: Product });
  });

  routes.delete(PRODUCT_ROUTES.product, async (req, res) => {
    const sku = skuParam(req);
    if (!(await deleteProduct(db, tenantOf(res).id, sku))) throw notFound(`No product with sku ${sku}`);
    res.status(204).end();
  });
  return { adminRoutes: routes.router };
}
