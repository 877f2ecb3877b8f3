import type { Theme, ThemeOverride } from '@prex/protocol';
import { contrastRatio, MIN_TEXT_CONTRAST, relativeLuminance, SCHEME_COLORS } from '@prex/protocol/wire';

/** Mirrors `defaultTheme` in @prex/protocol (kept here so zod stays out of the bundle). */
export const DEFAULT_THEME: Theme = {
  accentColor: '#4f46e5',
  fontFamily: 'system',
  cornerRadius: 16,
  position: 'right',
  offsetX: 20,
  offsetY: 20,
  colorScheme: 'light',
  launcherIcon: 'chat',
  launcherLabel: 'Open support chat',
  title: 'Support',
  greeting: 'Hi! Ask me anything about our product.',
  suggestions: [],
};

const HEX = /^#[0-9a-f]{6}$/i;
const FONT = /^[A-Za-z0-9 ,'"-]{1,200}$/;
const ICONS = ['chat', 'help', 'sparkle', 'headset'];

const int = (v: unknown, min: number, max: number): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;

/**
 * defaults ← tenant theme (GET /v1/widget/config) ← the host page's override. Every value is
 * re-checked, because the override comes from the host page and ends up in CSS. Text/background
 * pairs under WCAG AA (4.5:1) are auto-corrected here (the admin API refuses them outright):
 * the text colour falls back to black or white, whichever reads better.
 */
export function resolveTheme(...layers: (ThemeOverride | Partial<Theme> | undefined | null)[]): Theme {
  const t: Theme = { ...DEFAULT_THEME, suggestions: [] };
  for (const layer of layers) {
    if (!layer || typeof layer !== 'object') continue;
    for (const k of ['accentColor', 'backgroundColor', 'textColor'] as const) {
      const v = layer[k];
      if (typeof v === 'string' && HEX.test(v)) t[k] = v;
    }
    if (layer.position === 'left' || layer.position === 'right') t.position = layer.position;
    if (layer.colorScheme === 'light' || layer.colorScheme === 'dark' || layer.colorScheme === 'auto') {
      t.colorScheme = layer.colorScheme;
    }
    if (typeof layer.fontFamily === 'string' && FONT.test(layer.fontFamily.trim())) t.fontFamily = layer.fontFamily.trim();
    t.cornerRadius = int(layer.cornerRadius, 0, 32) ?? t.cornerRadius;
    t.offsetX = int(layer.offsetX, 0, 400) ?? t.offsetX;
    t.offsetY = int(layer.offsetY, 0, 400) ?? t.offsetY;
    if (typeof layer.launcherIcon === 'string' && ICONS.includes(layer.launcherIcon)) t.launcherIcon = layer.launcherIcon;
    for (const k of ['title', 'greeting', 'launcherLabel'] as const) {
      const v = layer[k];
      if (typeof v === 'string' && (v.trim() || k === 'greeting')) t[k] = v.trim();
    }
    if (typeof layer.avatarUrl === 'string' && /^https?:\/\//i.test(layer.avatarUrl)) t.avatarUrl = layer.avatarUrl;
    if (Array.isArray(layer.suggestions)) {
      t.suggestions = layer.suggestions.filter((s): s is string => typeof s === 'string' && !!s.trim()).map((s) => s.trim().slice(0, 80)).slice(0, 4);
    }
    // Raw here: mount.tsx filters it through tenant-css.ts (a lazy chunk) before anything applies it.
    if (typeof layer.customCss === 'string') t.customCss = layer.customCss;
  }
  if (t.backgroundColor || t.textColor) {
    const scheme = SCHEME_COLORS[t.colorScheme === 'dark' ? 'dark' : 'light'];
    const bg = t.backgroundColor ?? scheme.backgroundColor;
    const fg = t.textColor ?? scheme.textColor;
    if (contrastRatio(fg, bg) < MIN_TEXT_CONTRAST) {
      t.backgroundColor = bg;
      t.textColor = contrastRatio('#111827', bg) >= contrastRatio('#ffffff', bg) ? '#111827' : '#ffffff';
    }
  }
  return t;
}

/** Black or white, whichever reads better on the accent colour (WCAG relative luminance). */
export function onAccent(hex: string): string {
  return relativeLuminance(hex) > 0.179 ? '#111827' : '#ffffff';
}

/**
 * Theme → CSS custom properties via CSSOM (allowed under a strict style-src CSP). Consumed by
 * styles.css and by THEME_CSS below: --prex-accent, --prex-on-accent, --prex-bg, --prex-fg,
 * --prex-font, --prex-radius, --prex-offset-x, --prex-offset-y.
 */
export function applyThemeVars(el: HTMLElement, theme: Theme): void {
  const set = (name: string, value: string | undefined) =>
    value === undefined ? el.style.removeProperty(name) : el.style.setProperty(name, value);
  set('--prex-accent', theme.accentColor);
  set('--prex-on-accent', onAccent(theme.accentColor));
  set('--prex-bg', theme.backgroundColor);
  set('--prex-fg', theme.textColor);
  set('--prex-font', theme.fontFamily === 'system' ? undefined : theme.fontFamily);
  set('--prex-radius', `${theme.cornerRadius}px`);
  set('--prex-offset-x', `${theme.offsetX}px`);
  set('--prex-offset-y', `${theme.offsetY}px`);
}

/**
 * Layout rules that read the theme's custom properties; adopted after styles.css in the pane's
 * shadow root. Desktop only: under the mobile breakpoint the pane is full screen.
 */
export const THEME_CSS =
  '.prex-pane{font-family:var(--prex-font,inherit)}' +
  '@media (min-width:481px){.prex-pane{border-radius:var(--prex-radius,16px);right:var(--prex-offset-x,20px);' +
  'bottom:calc(var(--prex-offset-y,20px) + 72px)}' +
  '.prex-pane[data-position=left]{left:var(--prex-offset-x,20px);right:auto}}';

/** Inline placement (`<prex-chat>`): the pane fills its element instead of floating. */
export const INLINE_CSS =
  ':host{display:block!important;width:100%!important;height:100%!important}' +
  '.prex-pane,.prex-pane[data-position=left]{position:relative;inset:auto;width:100%;height:100%;' +
  'max-width:none;max-height:none;box-shadow:none;animation:none;z-index:auto}' +
  '.prex-close{display:none}';
