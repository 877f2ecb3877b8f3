import { z } from 'zod';
import { STAFF_LIMITS } from './staff-wire.js';

export { STAFF_CSRF_HEADER, STAFF_LIMITS, STAFF_ROUTES } from './staff-wire.js';
import { customerEmailSchema } from './customers.js';

/**
 * Staff accounts of a tenant and their sign-in: the people who answer escalations in the console.
 * Browsers hold a session cookie (httpOnly) and a CSRF token (sent back in STAFF_CSRF_HEADER on
 * every state-changing request); they never hold the tenant's secret key.
 */

/** owner: everything, including the team; admin: the team's agents and the inbox; agent: the inbox. */
export const staffRoleSchema = z.enum(['owner', 'admin', 'agent'], { error: 'role must be "owner", "admin" or "agent"' });
export type StaffRole = z.infer<typeof staffRoleSchema>;

export const staffEmailSchema = customerEmailSchema;

export const staffPasswordSchema = z
  .string({ error: 'password must be a string' })
  .min(STAFF_LIMITS.minPasswordChars, `password must be at least ${STAFF_LIMITS.minPasswordChars} characters`)
  .max(STAFF_LIMITS.maxPasswordChars, `password is longer than ${STAFF_LIMITS.maxPasswordChars} characters`);

/** POST /v1/staff/login. tenantId only when the email has accounts in several workspaces. */
export const staffLoginRequestSchema = z.strictObject({
  email: staffEmailSchema,
  // Any length is checked against the hash: a short wrong password is just wrong, not a 400 that tells more.
  password: z.string({ error: 'password must be a string' }).min(1, 'password is empty').max(STAFF_LIMITS.maxPasswordChars, `password is longer than ${STAFF_LIMITS.maxPasswordChars} characters`),
  tenantId: z.string().regex(/^ten_[A-Za-z0-9_-]{1,64}$/, 'tenantId is not a tenant id (ten_…)').optional(),
});
export type StaffLoginRequest = z.output<typeof staffLoginRequestSchema>;

// C0/C1 controls (newlines, escapes) and the bidirectional overrides and isolates: a name must not
// break a line in the console or turn a reply's signature around for the visitor.
const NAME_CONTROL = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** A person's display name, trimmed; `field` names it in the errors (name, ownerName). */
export function staffDisplayNameSchema(field: string) {
  return z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} is empty`)
    .max(STAFF_LIMITS.maxNameChars, `${field} is longer than ${STAFF_LIMITS.maxNameChars} characters`)
    .refine((name) => !NAME_CONTROL.test(name), `${field} contains a control character (a line break, tab or direction override)`);
}

export const staffAccountSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  email: z.string(),
  /** The name the person goes by, when they gave one (first-run setup and the Account page): visitors see it on replies. */
  name: z.string().optional(),
  role: staffRoleSchema,
  createdAt: z.iso.datetime(),
});
export type StaffAccount = z.infer<typeof staffAccountSchema>;

/** POST /v1/staff/login and GET /v1/staff/me. */
export const staffSessionResponseSchema = z.object({
  account: staffAccountSchema,
  tenant: z.object({ id: z.string(), name: z.string() }),
  /** Send it back in the x-prex-csrf header on every POST, PATCH and DELETE. */
  csrfToken: z.string(),
});
export type StaffSessionResponse = z.infer<typeof staffSessionResponseSchema>;

/** PATCH /v1/staff/me: the signed-in account's own profile; name null removes the display name. */
export const staffProfileUpdateRequestSchema = z.strictObject({
  name: staffDisplayNameSchema('name').nullable(),
});
export type StaffProfileUpdateRequest = z.output<typeof staffProfileUpdateRequestSchema>;

/** POST /v1/staff/invites (owner; admin for agents). */
export const staffInviteRequestSchema = z.strictObject({
  email: staffEmailSchema,
  role: staffRoleSchema,
});
export type StaffInviteRequest = z.output<typeof staffInviteRequestSchema>;

export const staffInviteSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: staffRoleSchema,
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type StaffInvite = z.infer<typeof staffInviteSchema>;

export const staffInviteResponseSchema = z.object({ invite: staffInviteSchema });
export type StaffInviteResponse = z.infer<typeof staffInviteResponseSchema>;

/** POST /v1/staff/invites/accept: the token from the invite link, and the new account's password. */
export const staffAcceptInviteRequestSchema = z.strictObject({
  token: z.string({ error: 'token must be a string' }).regex(/^[A-Za-z0-9_-]{20,100}$/, 'token is not an invite token: copy it whole from the link'),
  password: staffPasswordSchema,
});
export type StaffAcceptInviteRequest = z.output<typeof staffAcceptInviteRequestSchema>;

export const staffAcceptInviteResponseSchema = z.object({ account: staffAccountSchema });
export type StaffAcceptInviteResponse = z.infer<typeof staffAcceptInviteResponseSchema>;

/** GET /v1/staff/team: the tenant's accounts and the invites not yet accepted. */
export const staffTeamResponseSchema = z.object({
  accounts: z.array(staffAccountSchema),
  invites: z.array(staffInviteSchema),
});
export type StaffTeamResponse = z.infer<typeof staffTeamResponseSchema>;

/** POST /v1/staff/me/password: the current password proves it is the account's owner at the keyboard. */
export const staffPasswordChangeRequestSchema = z.strictObject({
  currentPassword: z
    .string({ error: 'currentPassword must be a string' })
    .min(1, 'currentPassword is empty')
    .max(STAFF_LIMITS.maxPasswordChars, `currentPassword is longer than ${STAFF_LIMITS.maxPasswordChars} characters`),
  newPassword: z
    .string({ error: 'newPassword must be a string' })
    .min(STAFF_LIMITS.minPasswordChars, `newPassword must be at least ${STAFF_LIMITS.minPasswordChars} characters`)
    .max(STAFF_LIMITS.maxPasswordChars, `newPassword is longer than ${STAFF_LIMITS.maxPasswordChars} characters`),
});
export type StaffPasswordChangeRequest = z.output<typeof staffPasswordChangeRequestSchema>;

/** How many of the account's other sessions (other browsers) the change ended; this one stays signed in. */
export const staffPasswordChangeResponseSchema = z.object({ endedSessions: z.number().int() });
export type StaffPasswordChangeResponse = z.infer<typeof staffPasswordChangeResponseSchema>;

/** PATCH /v1/staff/team/accounts/:accountId (owner). */
export const staffRoleChangeRequestSchema = z.strictObject({ role: staffRoleSchema });
export type StaffRoleChangeRequest = z.output<typeof staffRoleChangeRequestSchema>;

export const staffAccountResponseSchema = z.object({ account: staffAccountSchema });
export type StaffAccountResponse = z.infer<typeof staffAccountResponseSchema>;

/** POST /v1/staff/logout-everywhere: how many sessions of the account were ended. */
export const staffLogoutEverywhereResponseSchema = z.object({ endedSessions: z.number().int() });
export type StaffLogoutEverywhereResponse = z.infer<typeof staffLogoutEverywhereResponseSchema>;
