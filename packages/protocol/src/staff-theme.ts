import { z } from 'zod';
import { adminThemeRequestSchema, adminThemeResponseSchema } from './config.js';
import { themeSchema } from './theme.js';

export { STAFF_THEME_ROUTES, THEME_LIMITS } from './theme-wire.js';

/**
 * The console's Theme page (theme-wire.ts): the admin API's theme rules, behind a staff session.
 * PUT /v1/staff/theme takes what PUT /v1/admin/theme takes (a partial theme, contrast-checked).
 */
export const staffThemeRequestSchema = adminThemeRequestSchema;
export type StaffThemeRequest = z.output<typeof staffThemeRequestSchema>;

/** GET/PUT /v1/staff/theme: what is stored, what the widget draws with, and the defaults (the form's placeholders). */
export const staffThemeResponseSchema = adminThemeResponseSchema.extend({ defaults: themeSchema });
export type StaffThemeResponse = z.infer<typeof staffThemeResponseSchema>;
