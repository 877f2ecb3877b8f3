/**
 * The keywords carriers require every SMS program to honour (CTIA's Messaging Principles, the ones
 * Twilio's default opt-out handling recognises): a message that is exactly one of them, ignoring
 * case and surrounding spaces or punctuation, is a command, not a question for the bot.
 */

export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Record<string, SmsKeyword> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  OPTOUT: 'stop',
  REVOKE: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
  INFO: 'help',
};

export function smsKeyword(body: string): SmsKeyword | undefined {
  const word = body.trim().replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '').toUpperCase();
  return Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word] : undefined;
}

/** The replies Prex sends when the tenant turned Twilio's own keyword handling off (keywordReplies). */
export function keywordReply(keyword: SmsKeyword, brand: string, helpText: string | null): string {
  switch (keyword) {
    case 'stop':
      return `${brand}: you are unsubscribed and will receive no more messages. Reply START to resubscribe.`;
    case 'start':
      return `${brand}: you are subscribed again. Send your question any time. Reply HELP for help, STOP to opt out.`;
    case 'help':
      return helpText ?? `${brand} support: send your question and our assistant will answer. Reply STOP to opt out.`;
  }
}
