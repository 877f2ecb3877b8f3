import { z } from 'zod';
import { MAX_CUSTOM_CSS_CHARS } from './tenant-css-rules.js';
import { LAUNCHER_ICONS, THEME_LIMITS, themeContrastProblems } from './theme-wire.js';
import { checkTenantCss } from './tenant-css.js';

export const hexColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a color is written as #rrggbb');

export { LAUNCHER_ICONS, type LauncherIcon } from './theme-wire.js';
const L = THEME_LIMITS;

const fontFamilySchema = z
  .string()
  .trim()
  .min(1)
  .max(L.maxFontFamilyChars)
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
  cornerRadius: z.number().int().min(0).max(L.maxCornerRadius).default(16),
  position: z.enum(['left', 'right']).default('right'),
  /** Distance of launcher (and pane) from the chosen side, px. */
  offsetX: z.number().int().min(0).max(L.maxOffset).default(20),
  /** Distance of the launcher from the bottom, px. */
  offsetY: z.number().int().min(0).max(L.maxOffset).default(20),
  colorScheme: z.enum(['light', 'dark', 'auto']).default('light'),
  launcherIcon: z.enum(LAUNCHER_ICONS).default('chat'),
  launcherLabel: z.string().trim().min(1).max(L.maxLauncherLabelChars).default('Open support chat'),
  title: z.string().trim().min(1).max(L.maxTitleChars).default('Support'),
  /** Header avatar image (http(s)); the host page's CSP needs `img-src` for its origin. */
  avatarUrl: z.url({ protocol: /^https?$/, error: 'avatarUrl must be an http(s) URL' }).max(L.maxAvatarUrlChars).optional(),
  greeting: z.string().trim().max(L.maxGreetingChars).default('Hi! Ask me anything about our product.'),
  /** Suggested first questions, shown as chips under the greeting; clicking one sends it. */
  suggestions: z.array(z.string().trim().min(1).max(L.maxSuggestionChars)).max(L.maxSuggestions).default([]),
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

export { themeContrastProblems } from './theme-wire.js';

type ColorPair = Parameters<typeof themeContrastProblems>[0];

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
