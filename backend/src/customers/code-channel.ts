/**
 * Where one kind of code is kept: email codes by mailbox, SMS codes by phone number. Both tables
 * have the same shape, so one set of rules (hashing, expiry, attempts, send limits) serves both.
 * Fixed identifiers, never input: safe to put in SQL text.
 */
export interface CodeChannel {
  table: 'email_codes' | 'phone_codes';
  address: 'email' | 'phone';
}
export const EMAIL_CHANNEL: CodeChannel = { table: 'email_codes', address: 'email' };
export const PHONE_CHANNEL: CodeChannel = { table: 'phone_codes', address: 'phone' };
