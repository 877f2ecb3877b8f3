import { z } from 'zod';
import { themeOverrideSchema, themeSchema } from './theme.js';

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
});
export type WidgetBootConfig = z.infer<typeof widgetBootConfigSchema>;

/** GET /v1/widget/config: what the pane needs to draw itself for this tenant. */
export const widgetConfigResponseSchema = z.object({
  tenant: z.object({ name: z.string() }),
  theme: themeSchema,
});
export type WidgetConfigResponse = z.infer<typeof widgetConfigResponseSchema>;
