import { isIPv4, isIPv6 } from 'node:net';

/**
 * Personal data redaction, the one redactor for everything that leaves Prex's database: exported
 * conversations (what a model must not learn from a tenant's customers) and log lines (logger.ts). Each detector finds candidates with a pattern and, where a pattern alone would catch
 * harmless numbers (order numbers, prices, dates, versions), confirms them with a check: a Luhn
 * checksum for cards, ISO 13616 mod-97 for IBANs, a real address for IPs, a digit count and a
 * not-a-date test for phone numbers. Detectors run in order: the more specific first, so a card
 * number is not half-eaten by the phone detector.
 */

export const PLACEHOLDERS = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  iban: '[IBAN]',
  ip: '[IP]',
  name: '[NAME]',
} as const;

export type PiiKind = keyof typeof PLACEHOLDERS;
const ALL_KINDS: readonly PiiKind[] = Object.keys(PLACEHOLDERS) as PiiKind[];

/** People known to be in this conversation (the session's customer): redacted by name too. */
export interface KnownPeople {
  names: readonly string[];
  emails: readonly string[];
}

interface Detector {
  placeholder: string;
  pattern: RegExp;
  /** Confirms a candidate; absent = every match is redacted. */
  accept?: (match: string) => boolean;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616: move the country code and check digits to the end, letters to numbers, mod 97 = 1. */
export function isValidIban(candidate: string): boolean {
  const iban = candidate.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

const DATE_LIKE = /^(?:\d{4}[-.\s]\d{1,2}[-.\s]\d{1,2}|\d{1,2}[-.\s]\d{1,2}[-.\s]\d{2,4})$/;

/** A local number: 7-12 digits, not a date, and looking like a phone (a trunk 0, an (area) or a 3+ digit group). */
function looksLikeLocalPhone(match: string): boolean {
  const digits = digitsOf(match);
  if (digits.length < 7 || digits.length > 12 || DATE_LIKE.test(match)) return false;
  // A leading "1 " / "1-" is the North American country code: then it is 1 + 10 digits.
  if (/^1[\s-]/.test(match)) return digits.length === 11;
  return /^[0(]/.test(match) || /\d{3}/.test(match);
}

const DETECTORS: readonly Detector[] = [
  { placeholder: PLACEHOLDERS.email, pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  {
    placeholder: PLACEHOLDERS.iban,
    // Compact (DE89370400440532013000) or printed in groups of four.
    pattern: /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?)(?![A-Za-z0-9])/g,
    accept: isValidIban,
  },
  {
    placeholder: PLACEHOLDERS.card,
    pattern: /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g,
    accept: (match) => passesLuhn(digitsOf(match)),
  },
  {
    placeholder: PLACEHOLDERS.ip,
    pattern: /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)/g,
    accept: (match) => isIPv4(match),
  },
  {
    placeholder: PLACEHOLDERS.ip,
    pattern: /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g,
    accept: (match) => isIPv6(match),
  },
  {
    placeholder: PLACEHOLDERS.phone,
    // International: a + and 8-15 digits with the usual separators.
    pattern: /(?<![\w+])\+\d[\d\s().-]{6,22}\d(?!\w)/g,
    accept: (match) => {
      const n = digitsOf(match).length;
      return n >= 8 && n <= 15;
    },
  },
  {
    placeholder: PLACEHOLDERS.phone,
    // Local: "(555) 123-4567", "555-123-4567", "1-800-555-0199", "020 7946 0958", "06 12 34 56 78".
    pattern: /(?<![\w./+-])(?:1[\s-])?(?:\(\d{2,5}\)\s?|\d{2,5}[\s.-])\d{2,4}(?:[\s.-]\d{2,4}){0,3}(?![\w/]|[.-]\d)/g,
    accept: looksLikeLocalPhone,
  },
];

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whole-word patterns for a known person: the full name (any case) and each name part of 3+ letters as written. */
function personPatterns(people: KnownPeople): Detector[] {
  const detectors: Detector[] = [];
  for (const email of people.emails.filter(Boolean)) {
    detectors.push({ placeholder: PLACEHOLDERS.email, pattern: new RegExp(escapeRegExp(email), 'gi') });
  }
  for (const name of people.names.map((n) => n.trim()).filter(Boolean)) {
    detectors.push({ placeholder: PLACEHOLDERS.name, pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'giu') });
    // Parts alone ("Hi Jane") only capitalised as in the name, so "will" the verb survives a customer called Will.
    for (const part of name.split(/\s+/).filter((p) => p.length >= 3)) {
      detectors.push({ placeholder: PLACEHOLDERS.name, pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(part)}(?![\\p{L}\\p{N}])`, 'gu') });
    }
  }
  return detectors;
}

function apply(text: string, detector: Detector): string {
  return text.replace(detector.pattern, (match) => (!detector.accept || detector.accept(match) ? detector.placeholder : match));
}

/**
 * The text with personal data replaced by placeholders ([EMAIL], [PHONE], [CARD], [IBAN], [IP],
 * [NAME]); `kinds` narrows which (the logger keeps server addresses readable by leaving out 'ip').
 */
export function redactPii(text: string, people: KnownPeople = { names: [], emails: [] }, kinds: readonly PiiKind[] = ALL_KINDS): string {
  const wanted = new Set<string>(kinds.map((k) => PLACEHOLDERS[k]));
  let out = text;
  // The generic detectors first, so "jane@example.com" becomes one [EMAIL], not "[NAME]@example.com".
  for (const detector of [...DETECTORS, ...personPatterns(people)]) if (wanted.has(detector.placeholder)) out = apply(out, detector);
  return out;
}
