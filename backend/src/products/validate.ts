import { productInputSchema, type ProductRecord } from '@prex/protocol';
import { badRequest } from '../http/errors.js';

/** Most problems listed in one 400: enough to fix a file in a few rounds without a huge body. */
const MAX_REPORTED = 50;

/** One product to check, with how the caller names its place: "item 3" or "line 5". */
export interface PlacedItem {
  at: string;
  value: unknown;
  /** A problem found before validation (a CSV row with the wrong number of cells). */
  problem?: string;
}

/**
 * Checks every product of a batch and returns them ready to store, or throws one 400 listing each
 * bad item by its place (nothing is stored then). A sku given twice is an error: which one should win?
 */
export function validateProducts(items: readonly PlacedItem[], what: string): ProductRecord[] {
  const issues: Array<{ path: string; message: string }> = [];
  const records: ProductRecord[] = [];
  const firstPlaceOfSku = new Map<string, string>();
  for (const item of items) {
    if (item.problem) {
      issues.push({ path: item.at, message: `${item.at}: ${item.problem}` });
      continue;
    }
    const parsed = productInputSchema.safeParse(item.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: [item.at, ...issue.path].join('.'), message: `${item.at}: ${issue.path.join('.') || 'product'}: ${issue.message}` });
      continue;
    }
    const earlier = firstPlaceOfSku.get(parsed.data.sku);
    if (earlier) issues.push({ path: `${item.at}.sku`, message: `${item.at}: sku ${parsed.data.sku} repeats ${earlier}` });
    else firstPlaceOfSku.set(parsed.data.sku, item.at);
    records.push(parsed.data);
  }
  if (issues.length > 0) {
    const more = issues.length > MAX_REPORTED ? ` (${issues.length} problems, first ${MAX_REPORTED} listed)` : '';
    throw badRequest(`Invalid ${what}: ${issues[0]!.message}${more}; nothing was saved`, issues.slice(0, MAX_REPORTED));
  }
  return records;
}
