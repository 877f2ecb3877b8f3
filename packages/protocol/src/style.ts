/**
 * Colour and stylesheet rules shared by the backend (validating themes) and the widget (applying
 * them). Zod-free, so the widget can import them through `@prex/protocol/wire`.
 */

/** Largest tenant stylesheet accepted, in characters (after sanitizing). */
export const MAX_CUSTOM_CSS_CHARS = 10_000;
/** WCAG 2.x AA for normal text. */
export const MIN_TEXT_CONTRAST = 4.5;

/** The pane's built-in surface colours per scheme (mirrored in the widget's styles.css). */
export const SCHEME_COLORS = {
  light: { backgroundColor: '#ffffff', textColor: '#111827' },
  dark: { backgroundColor: '#111827', textColor: '#f9fafb' },
} as const;

/** WCAG relative luminance of #rrggbb. */
export function relativeLuminance(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** WCAG contrast ratio of two #rrggbb colours, 1..21. */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * A tenant's stylesheet, made safe to adopt into the pane's shadow root: comments, `@import`,
 * every `url(…)` (no fetches to other hosts; a strict CSP would block them anyway), legacy
 * script-ish properties (`expression()`, `behavior`, `-moz-binding`) and angle brackets are
 * removed. The sheet is adopted with a constructable stylesheet in the pane's own shadow root,
 * so its selectors cannot reach the host page by construction.
 */
export function sanitizeTenantCss(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?(\*\/|$)/g, '')
    .replace(/[<>\\]/g, '')
    .replace(/@import[^;]*;?/gi, '')
    .replace(/@namespace[^;]*;?/gi, '')
    .replace(/url\s*\([^)]*\)?/gi, 'none')
    .replace(/expression\s*\(/gi, '(')
    .replace(/(-moz-binding|behavior)\s*:[^;}]*/gi, '')
    .trim()
    .slice(0, MAX_CUSTOM_CSS_CHARS);
}
