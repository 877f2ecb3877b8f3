import fc from 'fast-check';
import type { z } from 'zod';

/**
 * fast-check values shaped like a zod schema of the wire contract, so a fuzzed request often gets
 * past validation into the code behind it: strings follow the schema's regex, format and length
 * bounds (and reach them), enums and literals take their values, objects carry their keys. Now and
 * then a value is replaced by anything at all (`hostile`), so validation is exercised too.
 */

/** One character of fuzzed text: mostly printable, sometimes the ones an edge must refuse or survive. */
export const textUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 60, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 10, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom('\u0000', '\ud800', '\udfff', '\u200b', '\ufeff', '%', '/', '\\', "'", '"', '<', '\n') },
);

export const fuzzText = (maxLength = 40): fc.Arbitrary<string> => fc.string({ unit: textUnit, maxLength });

/** Any JSON value, its strings drawn from fuzzText. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3, stringUnit: textUnit }),
  fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, 0.5, '', 'x'.repeat(10_000), [], {}, null, true),
);

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

export function arbitraryFor(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return hostile;
  return fc.oneof({ weight: 25, arbitrary: shaped(defOf(schema), depth) }, { weight: 1, arbitrary: hostile });
}

function shaped(def: Def, depth: number): fc.Arbitrary<unknown> {
  const inner = (schema: unknown) => arbitraryFor(schema as z.ZodType, depth + 1);
  switch (def.type) {
    case 'string':
      return stringFor(def);
    case 'number':
      return fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double({ noNaN: true }), fc.constantFrom(0, 1, 2 ** 31, Number.MAX_SAFE_INTEGER));
    case 'int':
      return fc.integer({ min: -5, max: 1000 });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'date':
      return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'optional':
      return fc.option(inner(def.innerType), { nil: undefined, freq: 3 });
    case 'nullable':
      return fc.option(inner(def.innerType), { nil: null, freq: 5 });
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return inner(def.innerType);
    case 'pipe':
      return inner(def.in);
    case 'lazy':
      return inner((def.getter as () => unknown)());
    case 'array':
      return fc.array(inner(def.element), { maxLength: 4 });
    case 'tuple':
      return fc.tuple(...(def.items as unknown[]).map(inner));
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map(inner));
    case 'record':
      return fc.dictionary(fuzzText(12), inner(def.valueType), { maxKeys: 4 });
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      return fc.record(Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, inner(value)])));
    }
    default:
      return hostile;
  }
}

interface StringCheck {
  check?: string;
  minimum?: number;
  maximum?: number;
  pattern?: RegExp;
  format?: string;
}

function stringFor(def: Def): fc.Arbitrary<string> {
  const checks = ((def.checks as unknown[] | undefined) ?? []).map((c) => defOf(c) as StringCheck);
  const all = [def as StringCheck, ...checks];
  const min = Math.max(0, ...all.map((c) => (c.check === 'min_length' ? (c.minimum ?? 0) : 0)));
  const max = Math.min(...all.map((c) => (c.check === 'max_length' ? (c.maximum ?? Infinity) : Infinity)));
  const format = all.find((c) => c.format)?.format;
  const pattern = all.find((c) => c.pattern && !c.format)?.pattern;
  const sized = fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: textUnit, minLength: min, maxLength: Math.min(max, min + 40) }) },
    // At the upper bound, where column sizes and index limits live.
    { weight: 1, arbitrary: fc.constant('a'.repeat(Number.isFinite(max) ? max : 5000)) },
  );
  const formatted = formatArbitrary(format) ?? (pattern ? matching(pattern) : undefined);
  return formatted ? fc.oneof({ weight: 3, arbitrary: formatted }, { weight: 1, arbitrary: sized }) : sized;
}

function formatArbitrary(format: string | undefined): fc.Arbitrary<string> | undefined {
  switch (format) {
    case 'email':
      return fc.emailAddress();
    case 'url':
      return fc.webUrl();
    case 'uuid':
    case 'guid':
      return fc.uuid();
    case 'datetime':
      return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString().slice(0, 10));
    default:
      return undefined;
  }
}

/** Strings matching the schema's regex, when fast-check can generate them for it. */
function matching(pattern: RegExp): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(pattern);
  } catch {
    return undefined;
  }
}
