import { z } from 'zod';
import { staffAccountSchema, staffDisplayNameSchema, staffEmailSchema, staffPasswordSchema, staffSessionResponseSchema } from './staff.js';
import { tenantNameSchema, tenantOriginSchema } from './tenant.js';

/** Request and response bodies of STAFF_ACCESS_ROUTES (setup.ts): first-run setup, password reset, Supabase sign-in. */

const tenantIdSchema = z.string({ error: 'tenantId must be a string' }).regex(/^ten_[A-Za-z0-9_-]{1,64}$/, 'tenantId is not a tenant id (ten_…)');

/** How staff may sign in on this server: supabase holds the project's URL and anon key (public by design) for the console's own Supabase client. */
export const staffSignInOptionsSchema = z.object({
  password: z.literal(true),
  supabase: z.object({ url: z.string(), anonKey: z.string() }).nullable(),
});
export type StaffSignInOptions = z.infer<typeof staffSignInOptionsSchema>;

/** GET /v1/staff/setup: needed is true while the server has no workspace (the console then offers setup). */
export const setupStatusResponseSchema = z.object({ needed: z.boolean(), signIn: staffSignInOptionsSchema });
export type SetupStatusResponse = z.infer<typeof setupStatusResponseSchema>;

/** POST /v1/staff/setup. */
export const setupRequestSchema = z.strictObject({
  workspaceName: tenantNameSchema,
  /** The site that will embed the widget, e.g. https://shop.example (more can be added later). */
  origin: tenantOriginSchema,
  email: staffEmailSchema,
  /** The owner's name, as the team sees it in the console. */
  ownerName: staffDisplayNameSchema('ownerName'),
  password: staffPasswordSchema,
});
export type SetupRequest = z.output<typeof setupRequestSchema>;

/** The owner is signed in (as after POST /v1/staff/login); the secret key is shown only here. */
export const setupResponseSchema = staffSessionResponseSchema.extend({
  publishableKey: z.string(),
  /** For the workspace's own servers (admin API): shown once, only its hash is stored. */
  secretKey: z.string(),
  /** The <script> tag to paste on the site. */
  embedSnippet: z.string(),
});
export type SetupResponse = z.infer<typeof setupResponseSchema>;

/** POST /v1/staff/password-reset: always 202, whether or not the email has an account. */
export const staffPasswordResetRequestSchema = z.strictObject({ email: staffEmailSchema });
export type StaffPasswordResetRequest = z.output<typeof staffPasswordResetRequestSchema>;

export const staffPasswordResetAcceptedResponseSchema = z.object({ message: z.string() });
export type StaffPasswordResetAcceptedResponse = z.infer<typeof staffPasswordResetAcceptedResponseSchema>;

/** POST /v1/staff/password-reset/confirm: the token from the mailed link (256 random bits, base64url), and the new password. */
export const staffPasswordResetConfirmRequestSchema = z.strictObject({
  token: z.string({ error: 'token must be a string' }).regex(/^[A-Za-z0-9_-]{20,100}$/, 'token is not a password reset token: copy it whole from the link'),
  password: staffPasswordSchema,
});
export type StaffPasswordResetConfirmRequest = z.output<typeof staffPasswordResetConfirmRequestSchema>;

/** The account whose password changed, and how many of its sessions were ended (sign in again). */
export const staffPasswordResetConfirmResponseSchema = z.object({ account: staffAccountSchema, endedSessions: z.number().int() });
export type StaffPasswordResetConfirmResponse = z.infer<typeof staffPasswordResetConfirmResponseSchema>;

/** POST /v1/staff/login/supabase: a Supabase Auth access token (the JWT of the user's Supabase session). */
export const staffSupabaseLoginRequestSchema = z.strictObject({
  accessToken: z.string({ error: 'accessToken must be a string' }).min(1, 'accessToken is empty').max(16_384, 'accessToken is longer than 16384 characters'),
  tenantId: tenantIdSchema.optional(),
});
export type StaffSupabaseLoginRequest = z.output<typeof staffSupabaseLoginRequestSchema>;
