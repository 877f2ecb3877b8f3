/**
 * Every string the pane shows, per locale. The locale comes from the boot options (`locale`) or
 * the browser (`navigator.language`); English fills anything a table lacks.
 */
const en = {
  message: 'Message',
  placeholder: 'Ask a question…',
  send: 'Send',
  stop: 'Stop',
  close: 'Close chat',
  retry: 'Retry',
  resend: 'Resend',
  typing: 'Assistant is typing',
  staffTyping: 'is typing',
  sources: 'Sources',
  source: 'Source {n}',
  loading: 'Loading conversation…',
  reconnecting: 'Connection lost. Reconnecting…',
  notSent: 'Not sent',
  stopped: 'Stopped',
  interrupted: 'Answer interrupted',
  errGeneric: 'Something went wrong. Please try again.',
  errRate: 'Too many messages. Please wait a moment and try again.',
  errOrigin: 'Chat is not enabled on this website.',
  errLost: 'The connection was lost.',
  errNotSent: 'Your message could not be sent.',
  copy: 'Copy code',
  copied: 'Copied',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  feedbackThanks: 'Thanks for your feedback!',
  commentLabel: 'What could be better? (optional)',
  commentSend: 'Send feedback',
  newChat: 'New conversation',
  history: 'Previous conversations',
  back: 'Back to chat',
  noHistory: 'No previous conversations yet.',
  messagesCount: '{n} messages',
  untitled: 'New conversation',
  bot: 'Assistant',
  human: 'Support agent',
  you: 'You',
  voice: 'Speak your question',
  voiceStop: 'Stop listening',
  answer: 'Answer',
  talkToHuman: 'Talk to a human',
  handoffAsk: 'Shall I connect you with our team?',
  handoffYes: 'Yes, connect me',
  handoffNo: 'No thanks',
  handoffOpen: 'Our team has your conversation and will reply here.',
  more: 'More options',
  account: 'Your account and data',
  emailChat: 'Email me this conversation',
  attach: 'Attach a file',
};
export type Strings = typeof en;

const de: Partial<Strings> = {
  message: 'Nachricht',
  placeholder: 'Stellen Sie eine Frage…',
  send: 'Senden',
  stop: 'Stopp',
  close: 'Chat schließen',
  retry: 'Erneut versuchen',
  resend: 'Erneut senden',
  typing: 'Der Assistent schreibt',
  staffTyping: 'schreibt',
  sources: 'Quellen',
  source: 'Quelle {n}',
  loading: 'Unterhaltung wird geladen…',
  reconnecting: 'Verbindung unterbrochen. Neuer Versuch…',
  notSent: 'Nicht gesendet',
  stopped: 'Angehalten',
  interrupted: 'Antwort unterbrochen',
  errGeneric: 'Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.',
  errRate: 'Zu viele Nachrichten. Bitte warten Sie einen Moment.',
  errOrigin: 'Der Chat ist auf dieser Website nicht aktiviert.',
  errLost: 'Die Verbindung wurde unterbrochen.',
  errNotSent: 'Ihre Nachricht konnte nicht gesendet werden.',
  copy: 'Code kopieren',
  copied: 'Kopiert',
  helpful: 'Hilfreich',
  notHelpful: 'Nicht hilfreich',
  feedbackThanks: 'Danke für Ihr Feedback!',
  commentLabel: 'Was können wir besser machen? (optional)',
  commentSend: 'Feedback senden',
  newChat: 'Neue Unterhaltung',
  history: 'Frühere Unterhaltungen',
  back: 'Zurück zum Chat',
  noHistory: 'Noch keine früheren Unterhaltungen.',
  messagesCount: '{n} Nachrichten',
  untitled: 'Neue Unterhaltung',
  bot: 'Assistent',
  human: 'Support-Mitarbeiter',
  you: 'Sie',
  voice: 'Frage sprechen',
  voiceStop: 'Zuhören beenden',
  answer: 'Antwort',
  talkToHuman: 'Mit einem Menschen sprechen',
  handoffAsk: 'Soll ich Sie mit unserem Team verbinden?',
  handoffYes: 'Ja, bitte verbinden',
  handoffNo: 'Nein, danke',
  handoffOpen: 'Unser Team übernimmt Ihre Unterhaltung und antwortet hier.',
  more: 'Weitere Optionen',
  account: 'Ihr Konto und Ihre Daten',
  emailChat: 'Diese Unterhaltung per E-Mail senden',
};

const tables: Record<string, Partial<Strings>> = { en, de };

/** `de-AT` → de; unknown → en. `locale` wins over the browser's languages. */
export function pickLocale(locale?: string | undefined, languages: readonly string[] = globalThis.navigator?.languages ?? []): string {
  for (const l of [locale, ...languages]) {
    const base = l?.toLowerCase().split(/[-_]/)[0];
    if (base && base in tables) return base;
  }
  return 'en';
}

export function stringsFor(locale?: string | undefined): Strings & { lang: string } {
  const lang = pickLocale(locale);
  return { ...en, ...tables[lang], lang };
}

export const fill = (s: string, n: number) => s.replace('{n}', String(n));
