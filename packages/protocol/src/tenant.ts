import { z } from 'zod';

/** The tenant's own settings, for its servers (secret key) and, later, the staff console. */
export const TENANT_ADMIN_ROUTE = '/v1/admin/tenant';

/** Normalised to scheme://host[:port] by the backend, as browsers send it in the Origin header. */
export const tenantOriginSchema = z
  .url({ protocol: /^https?$/, error: 'an origin is an http(s) URL such as https://shop.example' })
  .max(300, 'an origin is at most 300 characters');

/** A workspace's name, as visitors see it. */
export const tenantNameSchema = z.string({ error: 'name must be a string' }).trim().min(1, 'name is empty').max(200, 'name is longer than 200 characters');

const originListSchema = z.array(tenantOriginSchema).max(50, 'at most 50 origins');

/**
 * The widget's microphone. 'browser': the browser's own speech recognition where it has one (the
 * server's transcription elsewhere, when configured); 'server' needs a transcription endpoint
 * (PREX_TRANSCRIPTION_MODEL), without one the widget uses the browser's recognition alone; 'off':
 * no microphone at all.
 */
export const voiceInputSchema = z.enum(['browser', 'server', 'off'], { error: "voiceInput is 'browser', 'server' or 'off'" });

/**
 * A host answers may show images from: `cdn.example`, `*.cdn.example` (any subdomain) or
 * `host:port`, lower-cased. Images come from the knowledge base; a visitor's browser fetches them,
 * so only hosts the workspace names are shown (any other image stays a link).
 */
export const imageHostSchema = z
  .string({ error: 'an image host must be a string' })
  .trim()
  .toLowerCase()
  .max(253, 'an image host is at most 253 characters')
  .regex(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/, 'an image host is a host name such as cdn.example, *.cdn.example or cdn.example:8443 (no scheme or path)');

export const imageHostListSchema = z.array(imageHostSchema).max(20, 'at most 20 image hosts').transform((hosts) => [...new Set(hosts)]);

/** GET /v1/admin/tenant */
export const tenantSettingsResponseSchema = z.object({
  tenantId: z.string(),
  name: z.string(),
  publishableKey: z.string(),
  /** Pages from these origins may use the publishable key. */
  allowedOrigins: z.array(z.string()),
  /** Pages from these origins may read the admin API with the secret key (CORS); none by default. */
  adminOrigins: z.array(z.string()),
  /** How the widget's microphone turns speech into text: the browser's own recognition where it has one, always the server, or no microphone ('off'). */
  voiceInput: voiceInputSchema,
  /** Answers show Markdown images from these hosts only (imageHostSchema). */
  imageHosts: z.array(z.string()),
  createdAt: z.iso.datetime(),
});
export type TenantSettingsResponse = z.infer<typeof tenantSettingsResponseSchema>;

/** PATCH /v1/admin/tenant: only the fields given change. */
export const tenantSettingsPatchSchema = z
  .strictObject({
    name: tenantNameSchema,
    allowedOrigins: originListSchema,
    adminOrigins: originListSchema,
    voiceInput: voiceInputSchema,
    imageHosts: imageHostListSchema,
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change: send name, allowedOrigins, adminOrigins, voiceInput or imageHosts');
export type TenantSettingsPatch = z.infer<typeof tenantSettingsPatchSchema>;
