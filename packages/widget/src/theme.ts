import type { Theme, ThemeOverride } from '@prex/protocol';

/** Mirrors `defaultTheme` in @prex/protocol (kept here so zod stays out of the bundle). */
export const DEFAULT_THEME: Theme = {
  accentColor: '#4f46e5',
  position: 'right',
  colorScheme: 'light',
  title: 'Support',
  greeting: 'Hi! Ask me anything about our product.',
  launcherLabel: 'Open support chat',
};

const HEX = /^#[0-9a-f]{6}$/i;

/**
 * defaults ← tenant theme (GET /v1/widget/config) ← the host page's override. Every value is
 * re-checked, because the override comes from the host page and ends up in CSS.
 */
export function resolveTheme(...layers: (ThemeOverride | Partial<Theme> | undefined | null)[]): Theme {
  const t: Theme = { ...DEFAULT_THEME };
  for (const layer of layers) {
    if (!layer || typeof layer !== 'object') continue;
    if (typeof layer.accentColor === 'string' && HEX.test(layer.accentColor)) t.accentColor = layer.accentColor;
    if (layer.position === 'left' || layer.position === 'right') t.position = layer.position;
    if (layer.colorScheme === 'light' || layer.colorScheme === 'dark' || layer.colorScheme === 'auto') {
      t.colorScheme = layer.colorScheme;
    }
    for (const k of ['title', 'greeting', 'launcherLabel'] as const) {
      const v = layer[k];
      if (typeof v === 'string' && (v.trim() || k === 'greeting')) t[k] = v.trim();
    }
  }
  return t;
}

/** Black or white, whichever reads better on the accent colour (WCAG relative luminance). */
export function onAccent(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return l > 0.179 ? '#111827' : '#ffffff';
}

/** Theme → CSS custom properties via CSSOM (allowed under a strict style-src CSP). */
export function applyThemeVars(el: HTMLElement, theme: Theme): void {
  el.style.setProperty('--prex-accent', theme.accentColor);
  el.style.setProperty('--prex-on-accent', onAccent(theme.accentColor));
}
