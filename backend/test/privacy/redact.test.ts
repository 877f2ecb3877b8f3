import { describe, expect, it } from 'vitest';
import { isValidIban, passesLuhn, redactPii } from '../../src/privacy/redact.js';

/** Each row: what a customer or an answer might say, and what the export must contain instead. */
const REDACTED: Array<[string, string, string]> = [
  ['email', 'Write to jane.doe+orders@example.co.uk please', 'Write to [EMAIL] please'],
  ['email in angle brackets', 'from <MAX@Mail.Example.com>', 'from <[EMAIL]>'],
  ['international phone, spaced', 'Call me on +44 20 7946 0958 tomorrow', 'Call me on [PHONE] tomorrow'],
  ['international phone, brackets and dashes', 'my cell is +1 (555) 123-4567.', 'my cell is [PHONE].'],
  ['international phone, French pairs', 'tél +33 6 12 34 56 78', 'tél [PHONE]'],
  ['international phone, compact', 'WhatsApp +491701234567', 'WhatsApp [PHONE]'],
  ['local phone, US style', 'reach me at (555) 123-4567 after 5', 'reach me at [PHONE] after 5'],
  ['local phone, dashes', 'number 555-123-4567', 'number [PHONE]'],
  ['local phone, US with country code', 'toll free 1-800-555-0199 or 1 (212) 555-0100', 'toll free [PHONE] or [PHONE]'],
  ['local phone, UK trunk zero', 'ring 020 7946 0958', 'ring [PHONE]'],
  ['local phone, French pairs', 'mon numéro: 06 12 34 56 78', 'mon numéro: [PHONE]'],
  ['card, grouped', 'card 4111 1111 1111 1111 exp 12/27', 'card [CARD] exp 12/27'],
  ['card, dashes', 'Mastercard 5555-5555-5555-4444', 'Mastercard [CARD]'],
  ['card, compact Amex', 'amex 378282246310005', 'amex [CARD]'],
  ['IBAN, grouped', 'IBAN: DE89 3704 0044 0532 0130 00 thanks', 'IBAN: [IBAN] thanks'],
  ['IBAN, compact', 'pay GB82WEST12345698765432', 'pay [IBAN]'],
  ['IPv4', 'my IP is 203.0.113.42, blocked?', 'my IP is [IP], blocked?'],
  ['IPv6', 'from 2001:db8::8a2e:370:7334 today', 'from [IP] today'],
];

/** Each row must come out unchanged: the numbers support conversations are made of. */
const KEPT: Array<[string, string]> = [
  ['order number', 'Where is order #100234567?'],
  ['order reference with dashes', 'Reference ORD-2024-000123 shipped'],
  ['prices', 'It costs $1,299.00 or €49.99 per month (£12.50 VAT incl.)'],
  ['ISO date', 'Delivered on 2024-05-01 at 10:30:00'],
  ['European date', 'Expires 01.05.2024 or 1/5/2024'],
  ['versions', 'Update to 1.2.3 or v10.0.19041.1 or 4.12.0-beta.2'],
  ['a card-length number failing Luhn', 'Tracking 4111 1111 1111 1112'],
  ['an IBAN-shaped code failing mod 97', 'Code DE89 3704 0044 0532 0130 01'],
  ['not an IP', 'Version 999.1.2.3 and 1.2.3.4.5'],
  ['quantities', 'Sizes 38 40 42 44 are in stock'],
  ['a time', 'Open 09:00-17:30'],
  ['short numbers', 'Room 12, floor 3, 2 items, 30 days'],
  ['ranges', 'Shipping takes 3-5 business days, 1-2 for express, sizes 1 200-300'],
];

describe('redactPii', () => {
  it.each(REDACTED)('redacts %s', (_what, input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each(KEPT)('keeps %s', (_what, input) => {
    expect(redactPii(input)).toBe(input);
  });

  it('redacts the known customer by full name (any case) and by name part as written', () => {
    const people = { names: ['Jane Doe'], emails: ['jd@shop.example'] };
    expect(redactPii('Hi Jane! Is jane doe your account name? Mail jd@shop.example', people)).toBe('Hi [NAME]! Is [NAME] your account name? Mail [EMAIL]');
    // A name part written in lower case is a word, not the name.
    expect(redactPii('Will you ship?', { names: ['Will Smith'], emails: [] })).toBe('[NAME] you ship?');
    expect(redactPii('I will wait for Smithers', { names: ['Will Smith'], emails: [] })).toBe('I will wait for Smithers');
  });

  it('treats names with regex characters literally', () => {
    expect(redactPii('Thanks, J. (Jo) Smith+', { names: ['J. (Jo) Smith+'], emails: [] })).toBe('Thanks, [NAME]');
  });
});

describe('checksums', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['79927398713', true],
  ])('Luhn %s → %s', (digits, valid) => expect(passesLuhn(digits)).toBe(valid));

  it.each([
    ['DE89 3704 0044 0532 0130 00', true],
    ['GB82WEST12345698765432', true],
    ['GB82WEST12345698765431', false],
    ['XX00', false],
  ])('IBAN %s → %s', (iban, valid) => expect(isValidIban(iban)).toBe(valid));
});
