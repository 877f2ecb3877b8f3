/**
 * The tenant stylesheet's allow-list, shared by the backend (tenant-css.ts, over postcss's parse)
 * and the widget's tenant-css chunk (over the browser's parse). Zod-free, exported through
 * `@prex/protocol/wire`.
 */

/** Largest tenant stylesheet accepted, in characters (after sanitizing). */
export const MAX_CUSTOM_CSS_CHARS = 10_000;

/*
 * Tenant CSS is checked by allow-list, never by deny-list: a stylesheet may hold only style rules
 * (optionally inside `@media`), each declaration a property named below with a value built from
 * colours, numbers, lengths, keywords, safe font names and the functions named below. Nothing in
 * that language can make the browser fetch anything (no `@import`, `url()`, `image-set()`,
 * `-webkit-image-set()`, `src()`, `attr()`, `@font-face`, ...). These two checks are the one
 * definition: the backend applies them to the sheet postcss parses (400 naming the property), the
 * widget to the sheet its own browser parses (dropping whatever fails).
 */

/**
 * Properties a tenant may set. No positioning (`position`, `inset`, `top`, `z-index`, `transform`):
 * the pane cannot be moved over the host page. No `content`, `mask*`, `filter`, `list-style-image`,
 * custom properties or vendor prefixes. Whole families are allowed where every member is
 * harmless once the value check below has passed (e.g. `background-*`, `border-*`, `font-*`).
 */
export const TENANT_CSS_PROPERTY =
  /^(?:color|opacity|cursor|display|visibility|gap|row-gap|column-gap|order|box-shadow|box-sizing|line-height|letter-spacing|word-spacing|white-space(?:-collapse)?|word-break|overflow-wrap|vertical-align|caret-color|accent-color|list-style-type|justify-content|(?:min-|max-)?(?:width|height)|(?:background|border|outline|margin|padding|font|text|flex|align|overflow|transition)(?:-[a-z]+)*)$/;

/** Functions a value may call: colours, arithmetic, gradients, easing; `var()` of the pane's own --prex-* only. */
const SAFE_FUNCTION = /^(?:rgba?|hsla?|hwb|oklch|oklab|color-mix|calc|min|max|clamp|var|(?:repeating-)?(?:linear|radial|conic)-gradient|cubic-bezier|steps)$/;
/** A quoted font name: letters, digits, spaces, dots, hyphens. */
const SAFE_STRING = /"[\w .-]*"|'[\w .-]*'/g;

/**
 * The first piece of a declaration's value that tenant CSS does not allow (`\\`, `image-set(`,
 * `var(--x`, `"`, `:` ...), or undefined when the value is allowed. The value is the parser's
 * serialization of one declaration, without `!important`. Only ASCII letters, digits, spaces and
 * `# % . , / ( ) + * -` may appear outside quoted font names, and a `(` only right after an allowed
 * function name. Returns the piece, not a sentence, to keep the widget's copy small.
 */
export function tenantCssValueOffence(value: string): string | undefined {
  if (value.includes('\\')) return '\\';
  const bare = value.replace(SAFE_STRING, 'x');
  for (const [call, name = ''] of bare.matchAll(/([\w-]*)\(/g)) if (!SAFE_FUNCTION.test(name.toLowerCase())) return call;
  for (const [read, name = ''] of bare.matchAll(/var\(\s*([\w-]*)/gi)) if (!name.startsWith('--prex-')) return read;
  return /[^\w\s#%.,/()+*-]/.exec(bare)?.[0];
}
