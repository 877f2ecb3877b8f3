/**
 * The console's Settings page routes (owners and admins; an agent gets 403), as runtime constants
 * without zod: the console imports them through '@prex/protocol/wire'. The schemas are in
 * staff-settings.ts. They serve the signed-in staff member's tenant only.
 */
export const STAFF_SETTINGS_ROUTES = {
  /** GET: name, allowed origins, publishable key, embed snippet and notification emails. */
  settings: '/v1/staff/settings',
  /** POST {origin}: adds an allowed origin; DELETE ?origin=: removes one. Both answer the settings. */
  origins: '/v1/staff/settings/origins',
  /** PUT {summaryEmails, handoffEmails}: who gets conversation summaries and handoff notices. */
  emails: '/v1/staff/settings/emails',
  /** POST {graceSeconds}: a new secret key, shown once (owners only); older keys stop after the grace. */
  rotateSecretKey: '/v1/staff/settings/secret-key/rotate',
  /** PUT {requireSignedIdentity}: whether the widget's identities must be signed (owners and admins). */
  identity: '/v1/staff/settings/identity',
  /** POST: a new identity secret, shown once (owners only); identities signed with the old one stop verifying at once. */
  rotateIdentitySecret: '/v1/staff/settings/identity-secret/rotate',
  /** PUT {conversationRetentionDays}: delete conversations quiet for longer (null: keep them). */
  retention: '/v1/staff/settings/retention',
  /** PUT {voiceInput}: the widget's microphone: 'browser', 'server' or 'off' (owners and admins). */
  voice: '/v1/staff/settings/voice',
  /** POST {graceSeconds}: a new publishable key (owners only); the old one keeps working for the grace. */
  rotatePublishableKey: '/v1/staff/settings/publishable-key/rotate',
  /** GET, PUT {accountSid, authToken?, phoneNumber, managerNumbers?}, DELETE: the tenant's Twilio number (the auth token is write-only). */
  sms: '/v1/staff/settings/sms',
  /** PUT {imageHosts}: the hosts whose Markdown images answers show (owners and admins). */
  imageHosts: '/v1/staff/settings/image-hosts',
} as const;

export const SETTINGS_LIMITS = {
  /** The longest grace a rotation allows: a week is enough to redeploy every server. */
  maxGraceSeconds: 7 * 24 * 3600,
  /** Most allowed origins a tenant keeps. */
  maxOrigins: 50,
  /** Shortest retention: a typo must not erase yesterday's conversations. */
  minRetentionDays: 7,
  /** Longest retention a tenant sets (ten years); longer is "keep" (null). */
  maxRetentionDays: 3650,
} as const;
