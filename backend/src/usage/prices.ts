import type { ModelPrice } from '../config.js';

/**
 * List prices in USD per million tokens (input = prompt, output = completion), as the providers
 * published them in mid-2025. Prices change: PREX_MODEL_PRICES (config.modelPrices) overrides any
 * entry and adds models missing here (local models, fine-tunes, other providers).
 * Keys are lower-case base names; provider prefixes and dated snapshots are matched by `priceOf`.
 */
export const BUILT_IN_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4-turbo': { input: 10, output: 30 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  'mistral-small-latest': { input: 0.2, output: 0.6 },
};

/** `-2024-07-18`, `-20241022` or `-0125` at the end of a model name: a dated snapshot. */
const SNAPSHOT_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/;

/** The names a model may be priced under, most specific first. */
function candidateNames(model: string): string[] {
  const full = model.trim().toLowerCase();
  const unprefixed = full.slice(full.lastIndexOf('/') + 1);
  const names = [full, full.replace(SNAPSHOT_SUFFIX, ''), unprefixed, unprefixed.replace(SNAPSHOT_SUFFIX, '')];
  return [...new Set(names)];
}

function lowerCaseKeys(prices: Record<string, ModelPrice>): Map<string, ModelPrice> {
  return new Map(Object.entries(prices).map(([name, price]) => [name.trim().toLowerCase(), price]));
}

/**
 * The price of `model`: the configured overrides (`config.modelPrices`) merged over the built-in
 * table. `openai/gpt-4o-mini` and `gpt-4o-mini-2024-07-18` match `gpt-4o-mini`; an exact entry
 * wins over its base. Unknown → null (the call is recorded without a cost).
 */
export function priceOf(model: string, overrides: Record<string, ModelPrice> = {}): ModelPrice | null {
  const table = lowerCaseKeys({ ...BUILT_IN_PRICES, ...overrides });
  for (const name of candidateNames(model)) {
    const price = table.get(name);
    if (price) return price;
  }
  return null;
}

/**
 * Cost of a call in USD as a decimal string with 8 places (the column is numeric(14, 8)), or null
 * when the price or both token counts are unknown. A missing count on one side counts as zero.
 */
export function costOf(price: ModelPrice | null, promptTokens: number | null, completionTokens: number | null): string | null {
  if (!price || (promptTokens === null && completionTokens === null)) return null;
  const usd = ((promptTokens ?? 0) * price.input + (completionTokens ?? 0) * price.output) / 1_000_000;
  return usd.toFixed(8);
}
