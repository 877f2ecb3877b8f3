import { z } from 'zod';

export const errorCodeSchema = z.enum([
  'invalid_request',
  'unauthorized',
  'forbidden_origin',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'conflict',
  'internal',
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
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
