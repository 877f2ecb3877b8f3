import { z } from 'zod';
import type { Product } from '@prex/protocol';
import { listProducts } from '../products/repository.js';
import { clip } from './text.js';
import type { ToolDefinition } from './types.js';

const DESCRIPTION_CHARS = 300;

export const searchProductsParameters = z.strictObject({
  query: z.string().trim().min(1, 'query is empty').max(200, 'query is longer than 200 characters').describe('Words describing the product: name, kind, feature or SKU.'),
  limit: z.number().int().min(1).max(10).default(5).describe('How many products to return, 1 to 10.'),
  inStockOnly: z.boolean().optional().describe('Only products currently in stock.'),
});

/** "$1,299.00": the price as a customer reads it. */
function formatPrice(product: Product): string | null {
  if (product.price === null || product.currency === null) return null;
  return new Intl.NumberFormat('en', { style: 'currency', currency: product.currency }).format(Number(product.price));
}

/** What the model sees of a product: enough to answer and link, never the raw row. */
function forModel(product: Product) {
  return {
    sku: product.sku,
    name: product.name,
    price: formatPrice(product),
    url: product.url,
    inStock: product.inStock,
    description: clip(product.description, DESCRIPTION_CHARS),
  };
}

export const searchProducts: ToolDefinition<z.output<typeof searchProductsParameters>> = {
  name: 'search_products',
  description:
    "Search this shop's product catalog. Use it to answer questions about products, prices, availability or links. Returns at most 10 matches, best first.",
  parameters: searchProductsParameters,
  effect: 'read',
  async run(args, ctx) {
    const { products } = await listProducts(ctx.db, ctx.tenantId, { q: args.query, inStockOnly: args.inStockOnly, limit: args.limit, offset: 0 });
    return { status: 'done', result: { products: products.map(forModel), ...(products.length ? {} : { note: 'No product matches; say so rather than guess.' }) } };
  },
};
