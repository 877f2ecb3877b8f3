import { z } from 'zod';
import { e164Schema, SMS_LIMITS, twilioAccountSidSchema } from '@prex/protocol';

/**
 * The fields of Twilio's "a message comes in" webhook that Prex uses; the others (NumMedia,
 * FromCity…) are signed and ignored. SMS from a short code or alphanumeric sender has no E.164 From
 * and is refused: there is no number to answer.
 */
export const inboundSmsSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, 'must be a Twilio message SID: SM or MM followed by 32 hex digits'),
  AccountSid: twilioAccountSidSchema,
  From: e164Schema,
  To: e164Schema,
  Body: z.string().max(SMS_LIMITS.maxMessageChars, `is longer than ${SMS_LIMITS.maxMessageChars} characters`).default(''),
});
export type InboundSms = z.infer<typeof inboundSmsSchema>;
