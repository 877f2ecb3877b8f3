import { z } from 'zod';
import { customerConversationSchema, customerSchema } from './customers.js';
import { e164Schema } from './sms.js';

/**
 * Phone verification by SMS: a 6-digit code sent from the tenant's Twilio number, on the same
 * identity ladder and with the same limits as email codes (EMAIL_CODE: expiry, attempts).
 * The routes are not in ROUTES (wire.ts): the pane, which bundles ROUTES, has no bytes to spare;
 * the account panel (a lazy chunk) imports PHONE_CODE_ROUTES from the wire entry.
 */

export { PHONE_CODE_ROUTES } from './phone-codes-wire.js';

export const phoneNumberSchema = z.string({ error: 'phone must be a string' }).trim().pipe(e164Schema);

/** POST /v1/identity/phone/start */
export const phoneCodeStartRequestSchema = z.strictObject({ phone: phoneNumberSchema });
export type PhoneCodeStartRequest = z.output<typeof phoneCodeStartRequestSchema>;

/** The same whether or not the phone belongs to a customer. */
export const phoneCodeStartResponseSchema = z.object({
  sent: z.literal(true),
  expiresInSeconds: z.number().int(),
});
export type PhoneCodeStartResponse = z.infer<typeof phoneCodeStartResponseSchema>;

/** POST /v1/identity/phone/verify */
export const phoneCodeVerifyRequestSchema = z.strictObject({
  phone: phoneNumberSchema,
  code: z
    .string({ error: 'code must be a string' })
    .trim()
    .regex(/^[0-9]{6}$/, 'code must be the 6 digits from the text message'),
});
export type PhoneCodeVerifyRequest = z.output<typeof phoneCodeVerifyRequestSchema>;

/** An email-verified session stays at 'email'; any other rises to 'phone'. */
export const phoneCodeVerifyResponseSchema = z.object({
  level: z.enum(['phone', 'email']),
  customer: customerSchema,
  conversations: z.array(customerConversationSchema),
});
export type PhoneCodeVerifyResponse = z.infer<typeof phoneCodeVerifyResponseSchema>;
