/**
 * The theme editor's wire constants and the contrast rule, zod-free: the console imports them
 * through '@prex/protocol/wire' to show, as the staff member types, the same verdict the backend
 * gives when the theme is saved (theme.ts applies this very function inside its schemas).
 */
import { MIN_TEXT_CONTRAST, SCHEME_COLORS, contrastRatio, relativeLuminance } from './style.js';

/** The console's Theme page routes (owners and admins; an agent gets 403), for the signed-in staff member's tenant. */
export const STAFF_THEME_ROUTES = {
  /** GET: `{ stored, theme, defaults }`; PUT a partial theme: stores it (the admin API's rules) and answers the same. */
  theme: '/v1/staff/theme',
} as const;

/** The launcher icons a tenant can pick (drawn by the loader; no URLs, no markup from outside). */
export const LAUNCHER_ICONS = ['chat', 'help', 'sparkle', 'headset'] as const;
export type LauncherIcon = (typeof LAUNCHER_ICONS)[number];

/** The theme's bounds (theme.ts builds its schema from them; the console's form shows them). */
export const THEME_LIMITS = {
  maxCornerRadius: 32,
  maxOffset: 400,
  maxFontFamilyChars: 200,
  maxLauncherLabelChars: 40,
  maxTitleChars: 60,
  maxAvatarUrlChars: 500,
  maxGreetingChars: 280,
  maxSuggestions: 4,
  maxSuggestionChars: 80,
} as const;

/** A text/background pair problem: which field to blame, the ratio found, and a sentence saying what AA needs. */
export interface ContrastProblem {
  path: 'textColor' | 'backgroundColor';
  message: string;
  ratio: number;
}

type ColorPair = { backgroundColor?: string | undefined; textColor?: string | undefined; colorScheme?: 'light' | 'dark' | 'auto' | undefined };

/**
 * Every text/background pair the pane will show under AA: an explicit pair, or one colour checked
 * against the scheme's default for the other (both schemes for 'auto'). Returns readable problems.
 */
export function themeContrastProblems(t: ColorPair): ContrastProblem[] {
  if (!t.backgroundColor && !t.textColor) return [];
  const schemes = t.colorScheme === 'dark' ? (['dark'] as const) : t.colorScheme === 'auto' ? (['light', 'dark'] as const) : (['light'] as const);
  const problems: ContrastProblem[] = [];
  for (const s of schemes) {
    const bg = t.backgroundColor ?? SCHEME_COLORS[s].backgroundColor;
    const fg = t.textColor ?? SCHEME_COLORS[s].textColor;
    const ratio = contrastRatio(fg, bg);
    if (ratio < MIN_TEXT_CONTRAST) {
      const fgName = t.textColor ? 'textColor' : `the ${s} scheme's text`;
      const bgName = t.backgroundColor ? 'backgroundColor' : `the ${s} scheme's background`;
      problems.push({
        path: t.textColor ? 'textColor' : 'backgroundColor',
        ratio: Math.round(ratio * 100) / 100,
        message: `${fgName} ${fg} on ${bgName} ${bg} has a contrast ratio of ${ratio.toFixed(2)}:1; WCAG AA needs at least ${MIN_TEXT_CONTRAST}:1`,
      });
    }
  }
  return problems;
}

/**
 * The text colour the pane writes on the accent (buttons, the visitor's bubbles): black or white by
 * WCAG luminance, as the pane's `onAccent` (packages/widget/src/theme.ts) picks it.
 */
export function textOnAccent(accent: string): string {
  return relativeLuminance(accent) > 0.179 ? '#111827' : '#ffffff';
}
