/**
 * The ways into the console besides the password sign-in, as runtime constants without zod (the
 * console names them through '@prex/protocol/wire'; the schemas are in setup-schemas.ts):
 * first-run setup, password reset, and sign-in with Supabase Auth. All are in the staffSignIn
 * group: no session needed, rate limited, same-origin browsers only.
 */
export const STAFF_ACCESS_ROUTES = {
  /**
   * GET {needed, signIn}: whether the server still has no workspace, and how staff may sign in.
   * POST {workspaceName, origin, email, ownerName, password} → 201: the first workspace and its owner, signed
   * in, with the keys (the secret one shown only here); 409 once any workspace exists.
   */
  setup: '/v1/staff/setup',
  /** POST {email} → 202 always: a one-time link is mailed when the email has an account. */
  passwordReset: '/v1/staff/password-reset',
  /** POST {token, password}: the new password; every session of the account ends. */
  passwordResetConfirm: '/v1/staff/password-reset/confirm',
  /** POST {accessToken, tenantId?}: sign in with a Supabase Auth session (404 when not configured). */
  loginSupabase: '/v1/staff/login/supabase',
} as const;

/** The console's page that a mailed password-reset link opens; the token rides in the fragment. */
export const STAFF_RESET_PASSWORD_PAGE = '/console/reset-password';
