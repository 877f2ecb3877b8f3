import { z } from 'zod';
import { staffRetentionRequestSchema, staffRotatePublishableKeyRequestSchema } from './staff-settings.js';

/**
 * Data retention and publishable-key rotation for the tenant's own servers (secret key): the same
 * rules and request bodies as the console's Settings page, so the two never disagree.
 */
export const TENANT_KEYS_ADMIN_ROUTES = {
  retention: '/v1/admin/retention',
  rotatePublishableKey: '/v1/admin/keys/publishable/rotate',
} as const;

/** PUT /v1/admin/retention: null keeps conversations; a number of days deletes those quiet for longer. */
export const adminRetentionRequestSchema = staffRetentionRequestSchema;
export type AdminRetentionRequest = z.output<typeof adminRetentionRequestSchema>;

/** GET and PUT /v1/admin/retention answer the period in force. */
export const adminRetentionResponseSchema = z.object({ conversationRetentionDays: z.number().int().nullable() });
export type AdminRetentionResponse = z.infer<typeof adminRetentionResponseSchema>;

/** POST /v1/admin/keys/publishable/rotate: how long the old key keeps opening the widget (0: at once). */
export const adminRotatePublishableKeyRequestSchema = staffRotatePublishableKeyRequestSchema;
export type AdminRotatePublishableKeyRequest = z.output<typeof adminRotatePublishableKeyRequestSchema>;

export const adminRotatePublishableKeyResponseSchema = z.object({
  tenantId: z.string(),
  publishableKey: z.string(),
  /** Replaced keys that still open the widget, until expiresAt. */
  previousPublishableKeys: z.array(z.object({ publishableKey: z.string(), expiresAt: z.iso.datetime() })),
});
export type AdminRotatePublishableKeyResponse = z.infer<typeof adminRotatePublishableKeyResponseSchema>;
