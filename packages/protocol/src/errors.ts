import { z } from 'zod';

export const errorCodeSchema = z.enum([
  'invalid_request',
  /** A string from outside holds a NUL character or invalid Unicode (an unpaired surrogate). */
  'invalid_text',
  'unauthorized',
  'forbidden_origin',
  /** Signed in, but this account's role or this request's CSRF token does not allow it. */
  'forbidden',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'conflict',
  'internal',
  // Identity and one-time codes (customers): the widget tells these apart.
  'signature_required',
  'invalid_signature',
  'invalid_code',
  'verification_required',
  /** The mail relay failed; the details stay in the server log and email_events. */
  'email_unavailable',
  /** The sign-in provider (Supabase Auth) did not answer; try again or sign in with a password. */
  'auth_unavailable',
  /** Twilio did not take a text message (a phone code); the details stay in the server log. */
  'sms_unavailable',
  /** The transcription endpoint did not turn a voice message into text; the details stay in the server log. */
  'transcription_unavailable',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorIssueSchema = z.object({
  /** Dotted path of the offending field, '' for the body itself. */
  path: z.string(),
  message: z.string(),
});

/** Every non-2xx JSON response has this shape. */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    issues: z.array(errorIssueSchema).optional(),
    /** invalid_code: tries the current code has left (absent once it is burnt). */
    attemptsLeft: z.number().int().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
