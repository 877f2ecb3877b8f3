import { z } from 'zod';

/**
 * The tenant's product catalog (admin API, secret key), searched by the agent's search_products
 * tool. Prices travel as decimal strings in major units ("19.99") with an ISO 4217 currency and are
 * stored exactly, in the currency's minor unit.
 */

export const PRODUCT_ROUTES = {
  products: '/v1/admin/products',
  productsImport: '/v1/admin/products/import',
  product: '/v1/admin/products/:sku',
} as const;

export const PRODUCT_LIMITS = {
  /** Most products in one JSON upsert. */
  maxBatch: 1000,
  /** Most data rows in one CSV import. */
  maxCsvRows: 10_000,
  /** Largest CSV body, in bytes. */
  maxCsvBytes: 5 * 1024 * 1024,
  maxSkuChars: 100,
  maxNameChars: 300,
  maxDescriptionChars: 5000,
  maxAttributes: 50,
  maxAttributeChars: 500,
} as const;

const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]+$/;

export const skuSchema = z
  .string({ error: 'sku must be a string' })
  .trim()
  .min(1, 'sku is empty')
  .max(PRODUCT_LIMITS.maxSkuChars, `sku is longer than ${PRODUCT_LIMITS.maxSkuChars} characters`)
  .regex(NO_CONTROL_CHARS, 'sku contains control characters');

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

const currencySchema = z
  .string({ error: 'currency must be a string' })
  .trim()
  .toUpperCase()
  .refine((code) => knownCurrencies.has(code), 'currency must be an ISO 4217 code such as USD or EUR');

/** How many decimals a currency's minor unit has (USD 2, JPY 0, KWD 3). */
export function currencyDecimals(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "19.99" in USD → 1999. Null when the amount has more decimals than the currency allows. */
export function toMinorUnits(amount: string, currency: string): number | null {
  const [whole = '', fraction = ''] = amount.split('.');
  const decimals = currencyDecimals(currency);
  if (fraction.length > decimals) return null;
  return Number(whole + fraction.padEnd(decimals, '0'));
}

/** 1999 in USD → "19.99": the inverse of toMinorUnits. */
export function fromMinorUnits(minor: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  if (decimals === 0) return String(minor);
  const digits = String(minor).padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** A price in major units, as a JSON number or a decimal string (exact). */
const priceSchema = z
  .union([z.string(), z.number()], { error: 'price must be a decimal number such as 19.99' })
  .transform((value) => (typeof value === 'number' ? String(value) : value.trim()))
  .refine((value) => /^\d{1,12}(\.\d{1,4})?$/.test(value), 'price must be a non-negative decimal number such as 19.99');

const attributeValueSchema = z.union([
  z.string().max(PRODUCT_LIMITS.maxAttributeChars, `attribute values are at most ${PRODUCT_LIMITS.maxAttributeChars} characters`),
  z.number(),
  z.boolean(),
  z.null(),
]);

const attributesSchema = z
  .record(z.string().trim().min(1, 'attribute name is empty').max(100, 'attribute name is longer than 100 characters'), attributeValueSchema, {
    error: 'attributes must be an object of strings, numbers or booleans',
  })
  .refine((a) => Object.keys(a).length <= PRODUCT_LIMITS.maxAttributes, `at most ${PRODUCT_LIMITS.maxAttributes} attributes`);

const productFields = {
  name: z
    .string({ error: 'name must be a string' })
    .trim()
    .min(1, 'name is empty')
    .max(PRODUCT_LIMITS.maxNameChars, `name is longer than ${PRODUCT_LIMITS.maxNameChars} characters`),
  description: z
    .string({ error: 'description must be a string' })
    .max(PRODUCT_LIMITS.maxDescriptionChars, `description is longer than ${PRODUCT_LIMITS.maxDescriptionChars} characters`)
    .refine((s) => !s.includes('\u0000'), 'description contains a NUL character')
    .optional(),
  price: priceSchema.nullable().optional(),
  currency: currencySchema.nullable().optional(),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).max(2000, 'url is longer than 2000 characters').nullable().optional(),
  inStock: z.boolean({ error: 'inStock must be true or false' }).nullable().optional(),
  attributes: attributesSchema.optional(),
};

/** What is stored: the price in minor units, every optional field settled. */
export interface ProductRecord {
  sku: string;
  name: string;
  description: string;
  priceCents: number | null;
  currency: string | null;
  url: string | null;
  inStock: boolean | null;
  attributes: Record<string, string | number | boolean | null>;
}

type ProductFields = z.output<z.ZodObject<typeof productFields>>;

function toRecord(sku: string, p: ProductFields, ctx: z.core.$RefinementCtx): ProductRecord {
  let priceCents: number | null = null;
  const price = p.price ?? null;
  const currency = p.currency ?? null;
  if (price !== null) {
    if (currency === null) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'currency is required with a price' });
    else {
      priceCents = toMinorUnits(price, currency);
      if (priceCents === null) ctx.addIssue({ code: 'custom', path: ['price'], message: `price has more decimals than ${currency} allows` });
    }
  }
  return {
    sku,
    name: p.name,
    description: p.description ?? '',
    priceCents,
    currency,
    url: p.url ?? null,
    inStock: p.inStock ?? null,
    attributes: p.attributes ?? {},
  };
}

/** One product in a JSON upsert (`POST /v1/admin/products` items). */
export const productInputSchema = z.strictObject({ sku: skuSchema, ...productFields }).transform((p, ctx) => toRecord(p.sku, p, ctx));
export type ProductInput = z.input<typeof productInputSchema>;

/** `PUT /v1/admin/products/:sku`: the product without its sku (the path names it). */
export const productPutSchema = z.strictObject({ sku: skuSchema.optional(), ...productFields });

/** `POST /v1/admin/products`: a JSON array; items are checked one by one so errors name their index. */
export const productBatchSchema = z
  .array(z.unknown(), { error: 'Expected a JSON array of products' })
  .min(1, 'the array is empty')
  .max(PRODUCT_LIMITS.maxBatch, `at most ${PRODUCT_LIMITS.maxBatch} products per request: split the catalog or use the CSV import`);

/** A product as the admin API returns it. */
export const productSchema = z.object({
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  /** Decimal string in major units, e.g. "19.99"; null when unpublished. */
  price: z.string().nullable(),
  currency: z.string().nullable(),
  url: z.string().nullable(),
  inStock: z.boolean().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Product = z.infer<typeof productSchema>;

/** `GET /v1/admin/products?q=&limit=&offset=`: best matches first with q, else by sku. */
export const productListQuerySchema = z.strictObject({
  q: z.string().trim().max(200, 'q is longer than 200 characters').optional(),
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(200, 'limit must be at most 200').default(50),
  offset: z.coerce.number({ error: 'offset must be a number' }).int('offset must be a whole number').min(0, 'offset must not be negative').default(0),
});
export type ProductListQuery = z.output<typeof productListQuerySchema>;

export const productListResponseSchema = z.object({
  products: z.array(productSchema),
  /** How many products match in all (for paging). */
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type ProductListResponse = z.infer<typeof productListResponseSchema>;

/** Answer to a JSON upsert or a CSV import: all items were valid and are stored. */
export const productUpsertResponseSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
});
export type ProductUpsertResponse = z.infer<typeof productUpsertResponseSchema>;
