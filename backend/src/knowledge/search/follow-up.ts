import { topicWords } from './question-words.js';

/**
 * Follow-up questions ("and how long does that take?", "what about on Android?") name their topic
 * only by pointing back at the conversation. Retrieval for them also searches the previous
 * question's words, at CONTEXT_WEIGHT: below the new question's own words, so a follow-up that
 * changes the subject still finds its own subject first.
 */

/** How much an earlier turn's word counts against one of the new question's own words. */
export const CONTEXT_WEIGHT = 0.5;

/** A question at most this many topic words long may lean on the conversation. */
const SHORT_QUESTION_WORDS = 3;

/** Words that point back: a pronoun standing for the earlier topic, or an opening that continues it. */
const POINTS_BACK = /^(?:and|but|also|so|then|what about|how about|what if)\b|\b(?:it|that|this|those|these|they|them|there|its)\b/i;

/** True when the question reads as a follow-up of the conversation rather than a new topic. */
export function isFollowUp(question: string): boolean {
  const words = topicWords(question);
  return words.length <= SHORT_QUESTION_WORDS && (words.length <= 1 || POINTS_BACK.test(question.trim()));
}

/** One earlier message, oldest first (the shape of the chat history). */
export interface EarlierTurn {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * What of the conversation a follow-up's search should also use: the topic words of the visitor's
 * previous question; undefined when the question stands on its own or there is nothing before it.
 * `hasTopic` skips earlier visitor messages that name no topic (asked only when the question is a
 * follow-up, newest first, until one has).
 */
export function followUpContext(question: string, history: readonly EarlierTurn[], hasTopic: (text: string) => boolean = () => true): string | undefined {
  if (!isFollowUp(question)) return undefined;
  const previous = history.findLast((turn) => turn.role === 'user' && hasTopic(turn.text));
  const words = previous ? topicWords(previous.text) : [];
  return words.length > 0 ? words.join(' ') : undefined;
}
