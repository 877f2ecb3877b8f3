/**
 * Colour rules shared by the backend (validating themes) and the widget (applying them). Zod-free,
 * so the widget can import them through `@prex/protocol/wire`. The tenant stylesheet's allow-list
 * is in tenant-css-rules.ts: a module of its own, so the pane's first download (which needs the
 * colours) does not carry it; the widget's lazy tenant-css chunk does.
 */

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
