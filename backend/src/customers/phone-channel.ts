/**
 * What phone verification needs from the SMS channel, implemented by sms/ (it owns the tenant's
 * Twilio number and its conversations) and handed to customers/ by the composition root, so the
 * identity rules stay here and Twilio stays there.
 */
export interface PhoneChannel {
  /** Whether the tenant has an SMS number to text codes from at all. */
  available(tenantId: string): Promise<boolean>;
  /** Whether the tenant can text `phone` a code now. */
  readiness(tenantId: string, phone: string): Promise<PhoneReadiness>;
  /**
   * Texts the code `codeId` (its `text`) to `phone` from the tenant's number, recorded as a delivery
   * of that code; false when Twilio refused it (logged there).
   */
  sendCode(tenantId: string, phone: string, text: string, codeId: string): Promise<boolean>;
  /** The session of the SMS conversation this phone has with the tenant, if it ever texted. */
  smsSessionOf(tenantId: string, phone: string): Promise<string | undefined>;
}

/**
 * ready; no-number: the tenant configured no SMS number; opted-out: the phone texted STOP (carriers
 * forbid texting it); manager: one of the tenant's manager numbers, which is never a customer's.
 */
export type PhoneReadiness = 'ready' | 'no-number' | 'opted-out' | 'manager';
