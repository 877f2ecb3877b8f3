import { z } from 'zod';
import { themeOverrideSchema, themeSchema } from './theme.js';
import { widgetVoiceConfigSchema } from './voice.js';

export const publishableKeySchema = z
  .string()
  .regex(/^pk_[A-Za-z0-9_]{8,64}$/, 'a publishable key looks like pk_ followed by 8-64 letters, digits or _');

/** What a host page passes to the widget: the script tag's data attributes or Prex('boot', config). */
export const widgetBootConfigSchema = z.object({
  publishableKey: publishableKeySchema,
  /** Origin of the Prex backend; by default the origin the loader was served from. */
  apiBase: z.url({ protocol: /^https?$/ }),
  theme: themeOverrideSchema.optional(),
  /** 'idle' fetches the pane in the background once the page is idle. */
  prefetch: z.enum(['none', 'idle']).default('none'),
  /** UI language (BCP 47, e.g. 'de'); default: the browser's. */
  locale: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/).optional(),
  /**
   * Global the instance answers to (`data-prex-namespace`): 'Prex' by default. Named instances
   * (two tenants or two agents on one page) get separate shadow roots and storage keys.
   */
  namespace: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/).default('Prex'),
});
export type WidgetBootConfig = z.infer<typeof widgetBootConfigSchema>;

/** GET /v1/widget/config: what the pane needs to draw itself for this tenant. */
export const widgetConfigResponseSchema = z.object({
  tenant: z.object({ name: z.string() }),
  theme: themeSchema,
  /** Voice messages transcribed by the server; absent or null: none configured (the recorder is not shown). */
  voice: widgetVoiceConfigSchema.optional(),
  /** Hosts whose Markdown images answers show (`cdn.example`, `*.cdn.example`); absent: none. */
  imageHosts: z.array(z.string()).optional(),
  /** false: the workspace turned voice input off, the pane shows no microphone (absent: shown where it can work). */
  microphone: z.boolean().optional(),
});
/** PUT /v1/admin/theme: the tenant's stored theme (a partial theme; missing fields use the defaults). */
export const adminThemeRequestSchema = themeOverrideSchema;
/** GET/PUT /v1/admin/theme: what is stored, and the theme the widget will draw with. */
export const adminThemeResponseSchema = z.object({ stored: themeOverrideSchema, theme: themeSchema });
export type AdminThemeResponse = z.infer<typeof adminThemeResponseSchema>;

export type WidgetConfigResponse = z.infer<typeof widgetConfigResponseSchema>;
