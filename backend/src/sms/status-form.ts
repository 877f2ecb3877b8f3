import { z } from 'zod';
import { SMS_DELIVERY_STATUSES, twilioAccountSidSchema } from '@prex/protocol';

/**
 * The fields of Twilio's status callback (StatusCallback of a message Prex sent) that Prex uses;
 * the others (To, From, SmsStatus, RawDlrDoneDate…) are signed and ignored.
 */
export const smsStatusCallbackSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, 'must be a Twilio message SID: SM or MM followed by 32 hex digits'),
  AccountSid: twilioAccountSidSchema,
  MessageStatus: z.enum(SMS_DELIVERY_STATUSES, { error: `must be one of Twilio's message statuses: ${SMS_DELIVERY_STATUSES.join(', ')}` }),
  // Twilio's error code (e.g. 30003 unreachable) on undelivered and failed messages.
  ErrorCode: z
    .string()
    .regex(/^\d{1,6}$/, "must be Twilio's numeric error code")
    .transform(Number)
    .optional(),
});
