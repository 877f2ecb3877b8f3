import type { MessageLabel } from '@prex/protocol';
import {
  ABUSE, BARE_HUMAN_REQUEST, COMPLAINT_PHRASES, COMPLAINT_WORDS, DE_CONTACT_VERB, DE_PERSON, HELP_REQUEST, HUMAN_REQUEST, IDENTITY_QUESTION, NEGATION, QUESTION_OPENER, SMALL_TALK,
} from './phrases.js';

/** How many words before a phrase a negation still applies to ("I really don't want to talk to…"). */
const NEGATION_REACH = 4;
/** A complaint word is cancelled only by a negation right before it ("not that bad"). */
const COMPLAINT_NEGATION_REACH = 2;
/** Words left besides greetings and thanks for a message to still be small talk ("thanks, that helped"). */
const SMALL_TALK_MAX_EXTRA_WORDS = 4;

/**
 * Lower-cases, unifies apostrophes and removes quoted text, code and quoted lines: words the user
 * quotes ('the page says "talk to a human"') are not words they say.
 */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/gu, "'")
    .replace(/^\s*>.*$/gmu, ' ')
    .replace(/"[^"]*"|“[^”]*”|„[^“”]*[“”]|«[^»]*»|»[^«]*«/gu, ' ')
    .replace(/(^|\s)'[^'\n]+'(?=[\s.,!?;:]|$)/gu, '$1 ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Clauses: split at sentence punctuation and at "but" / "aber" / "sondern", where a negation stops. */
function clausesOf(text: string): string[] {
  return text.split(/[.!?;:,\n]+|\s(?:but|aber|sondern|instead)\s/u).map((c) => c.trim()).filter(Boolean);
}

function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}']+/gu) ?? [];
}

/** Whether one of the `reach` words before `index` negates what starts there. */
function negatedAt(clause: string, index: number, reach: number): boolean {
  return wordsOf(clause.slice(0, index)).slice(-reach).some((word) => NEGATION.test(word));
}

/** A pattern matching in a clause with no negation just before the match. */
function affirmed(pattern: RegExp, clause: string, reach: number): boolean {
  const match = pattern.exec(clause);
  return match !== null && !negatedAt(clause, match.index, reach);
}

function asksForHuman(text: string, clauses: string[]): boolean {
  if (BARE_HUMAN_REQUEST.test(text)) return true;
  return clauses.some(
    (clause) =>
      !IDENTITY_QUESTION.test(clause) &&
      (HUMAN_REQUEST.some((pattern) => affirmed(pattern, clause, NEGATION_REACH)) ||
      (DE_CONTACT_VERB.test(clause) && affirmed(DE_PERSON, clause, NEGATION_REACH) && !/\bnicht\b/u.test(clause))),
  );
}

function isAbuse(text: string): boolean {
  return ABUSE.some((pattern) => pattern.test(text));
}

function isComplaint(text: string, clauses: string[]): boolean {
  if (COMPLAINT_PHRASES.some((pattern) => pattern.test(text))) return true;
  return clauses.some((clause) => affirmed(COMPLAINT_WORDS, clause, COMPLAINT_NEGATION_REACH));
}

function isQuestion(text: string, clauses: string[]): boolean {
  if (wordsOf(text).length === 0) return false;
  return text.includes('?') || clauses.some((clause) => QUESTION_OPENER.test(clause)) || HELP_REQUEST.test(text);
}

/**
 * Labels a user message with cheap, deterministic rules (English and German): what is used when
 * no model is configured, and whenever the model fails. In order of precedence: an explicit request
 * for a person (so an angry "get me a human, idiot" still reaches one), abuse, complaint, question,
 * small talk, other. Quoted text and negated phrases ("I don't want to talk to a human") don't count.
 */
export function classifyByRules(text: string): MessageLabel {
  const normalized = normalize(text);
  const clauses = clausesOf(normalized);
  if (asksForHuman(normalized, clauses)) return 'human_request';
  if (isAbuse(normalized)) return 'abuse';
  if (isComplaint(normalized, clauses)) return 'complaint';
  const withoutPleasantries = normalized.replace(SMALL_TALK, ' ').replace(/\s+/gu, ' ').trim();
  if (isQuestion(withoutPleasantries, clausesOf(withoutPleasantries))) return 'question';
  const hadPleasantries = withoutPleasantries !== normalized;
  if (hadPleasantries && wordsOf(withoutPleasantries).length <= SMALL_TALK_MAX_EXTRA_WORDS) return 'small_talk';
  return 'other';
}
