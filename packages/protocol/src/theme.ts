import { z } from 'zod';
import { MAX_CUSTOM_CSS_CHARS, MIN_TEXT_CONTRAST, SCHEME_COLORS, contrastRatio } from './style.js';
import { checkTenantCss } from './tenant-css.js';

export const hexColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a color is written as #rrggbb');

/** The launcher icons a tenant can pick (drawn by the loader; no URLs, no markup from outside). */
export const LAUNCHER_ICONS = ['chat', 'help', 'sparkle', 'headset'] as const;
export type LauncherIcon = (typeof LAUNCHER_ICONS)[number];

const fontFamilySchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9 ,'"-]+$/, 'a font family is a comma-separated list of names (letters, digits, spaces, quotes, hyphens)');

const themeFields = {
  accentColor: hexColorSchema.default('#4f46e5'),
  /** Pane background; default: the scheme's. Guarded against `textColor` (WCAG AA 4.5:1). */
  backgroundColor: hexColorSchema.optional(),
  /** Pane text; default: the scheme's. */
  textColor: hexColorSchema.optional(),
  /** CSS font-family list; the fonts must be installed or loaded by the host page. 'system' = the OS UI font. */
  fontFamily: fontFamilySchema.default('system'),
  /** Pane corner radius in px. */
  cornerRadius: z.number().int().min(0).max(32).default(16),
  position: z.enum(['left', 'right']).default('right'),
  /** Distance of launcher (and pane) from the chosen side, px. */
  offsetX: z.number().int().min(0).max(400).default(20),
  /** Distance of the launcher from the bottom, px. */
  offsetY: z.number().int().min(0).max(400).default(20),
  colorScheme: z.enum(['light', 'dark', 'auto']).default('light'),
  launcherIcon: z.enum(LAUNCHER_ICONS).default('chat'),
  launcherLabel: z.string().trim().min(1).max(40).default('Open support chat'),
  title: z.string().trim().min(1).max(60).default('Support'),
  /** Header avatar image (http(s)); the host page's CSP needs `img-src` for its origin. */
  avatarUrl: z.url({ protocol: /^https?$/, error: 'avatarUrl must be an http(s) URL' }).max(500).optional(),
  greeting: z.string().trim().max(280).default('Hi! Ask me anything about our product.'),
  /** Suggested first questions, shown as chips under the greeting; clicking one sends it. */
  suggestions: z.array(z.string().trim().min(1).max(80)).max(4).default([]),
  /**
   * Extra CSS for the pane only (adopted into the pane's shadow root): style rules and @media with
   * allow-listed properties and values, which cannot fetch anything; anything else is refused,
   * naming the property. Stored as rebuilt from the checked rules (comments and whitespace gone).
   */
  customCss: z.string().max(MAX_CUSTOM_CSS_CHARS * 2).transform(tenantCss).optional(),
};

function tenantCss(css: string, ctx: z.RefinementCtx): string {
  const checked = checkTenantCss(css);
  for (const problem of checked.problems) ctx.addIssue({ code: 'custom', message: `tenant CSS ${problem}` });
  return checked.css;
}

type ColorPair = { backgroundColor?: string | undefined; textColor?: string | undefined; colorScheme?: 'light' | 'dark' | 'auto' | undefined };

/**
 * Every text/background pair the pane will show under AA: an explicit pair, or one colour checked
 * against the scheme's default for the other (both schemes for 'auto'). Returns readable problems.
 */
export function themeContrastProblems(t: ColorPair): { path: 'textColor' | 'backgroundColor'; message: string; ratio: number }[] {
  if (!t.backgroundColor && !t.textColor) return [];
  const schemes = t.colorScheme === 'dark' ? (['dark'] as const) : t.colorScheme === 'auto' ? (['light', 'dark'] as const) : (['light'] as const);
  const problems: { path: 'textColor' | 'backgroundColor'; message: string; ratio: number }[] = [];
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

const guardContrast = (t: ColorPair, ctx: z.RefinementCtx) => {
  for (const p of themeContrastProblems(t)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
};

/** A tenant's look. Every field has a default (or is optional) so a partial theme is always completable. */
export const themeSchema = z.object(themeFields).superRefine(guardContrast);
export type Theme = z.infer<typeof themeSchema>;

/** What a tenant stores or a host page overrides: any subset of the theme (contrast checked against the defaults). */
export const themeOverrideSchema = z
  .object(
    Object.fromEntries(
      Object.entries(themeFields).map(([k, v]) => [k, (v instanceof z.ZodDefault ? v.unwrap() : v).optional()]),
    ) as unknown as { [K in keyof typeof themeFields]: z.ZodOptional<z.ZodType<z.output<(typeof themeFields)[K]> & {}>> },
  )
  .superRefine(guardContrast);
export type ThemeOverride = Partial<Theme>;

export const defaultTheme: Theme = themeSchema.parse({});
