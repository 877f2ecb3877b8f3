import { z } from 'zod';

export const hexColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a color is written as #rrggbb');

/** A tenant's look. Every field has a default so a partial theme is always completable. */
export const themeSchema = z.object({
  accentColor: hexColorSchema.default('#4f46e5'),
  position: z.enum(['left', 'right']).default('right'),
  colorScheme: z.enum(['light', 'dark', 'auto']).default('light'),
  title: z.string().trim().min(1).max(60).default('Support'),
  greeting: z.string().trim().max(280).default('Hi! Ask me anything about our product.'),
  launcherLabel: z.string().trim().min(1).max(40).default('Open support chat'),
});
export type Theme = z.infer<typeof themeSchema>;

/** What a tenant stores or a host page overrides: any subset of the theme. */
export const themeOverrideSchema = themeSchema.partial();
export type ThemeOverride = z.infer<typeof themeOverrideSchema>;

export const defaultTheme: Theme = themeSchema.parse({});
