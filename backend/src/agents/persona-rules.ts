/**
 * A persona drafted without a model: what the team's own replies show about their voice — how
 * they open and close, how long they write, how formal they are, and the phrases they keep
 * using. Deterministic (same replies → same draft), so the feature works offline and in tests.
 */

/** Openings recognised as greetings (the first words of a reply). */
const GREETING = /^(hi|hello|hey|hiya|dear|good (morning|afternoon|evening)|greetings|thanks for (reaching out|contacting us|getting in touch)|thank you for (reaching out|contacting us|getting in touch))\b[^\n.!?]{0,30}[,.!]?/i;
/** Closings recognised as sign-offs (the last line of a reply). */
const SIGN_OFF = /^(best( regards| wishes)?|kind regards|regards|cheers|thanks|thank you|many thanks|all the best|take care|warm regards|sincerely|talk soon|have a (great|nice|good) (day|one|week))\b[^\n]{0,30}$/i;
const CONTRACTION = /\b\w+['’](s|re|ll|ve|d|m|t)\b/i;
const EMOJI = /\p{Extended_Pictographic}/u;

/** Words too common to make a phrase characteristic on their own. */
const STOP_WORDS = new Set(
  'a an the and or but if to of in on at for with from by is are was were be been it its this that these those i you we they he she me us our your my their them as so do does did have has had not no can will would could should just'.split(
    ' ',
  ),
);

const MAX_LISTED = 3;
const MAX_PHRASES = 5;

export interface ReplyStyle {
  greetings: string[];
  signOffs: string[];
  medianWords: number;
  formality: 'formal' | 'neutral' | 'casual';
  exclamations: boolean;
  emoji: boolean;
  phrases: string[];
}

/** The style the replies share (each measure is over all replies). */
export function analyzeReplies(replies: readonly string[]): ReplyStyle {
  const share = (test: (r: string) => boolean) => replies.filter(test).length / Math.max(1, replies.length);
  const contractions = share((r) => CONTRACTION.test(r));
  const exclamations = share((r) => r.includes('!'));
  return {
    greetings: mostCommon(replies.map(greetingOf).filter(isText), MAX_LISTED),
    signOffs: mostCommon(replies.map(signOffOf).filter(isText), MAX_LISTED),
    medianWords: median(replies.map((r) => words(r).length)),
    formality: contractions >= 0.5 || exclamations >= 0.5 ? 'casual' : contractions <= 0.1 && exclamations <= 0.1 ? 'formal' : 'neutral',
    exclamations: exclamations >= 0.3,
    emoji: share((r) => EMOJI.test(r)) >= 0.2,
    // From the bodies only: greeting and sign-off lines carry customers' and staff's names.
    phrases: frequentPhrases(replies.map(bodyOf)),
  };
}

/** The draft persona text, in the second person the system prompt uses. */
export function draftPersonaByRules(replies: readonly string[]): string {
  const style = analyzeReplies(replies);
  const lines = [`Write the way this team's support staff write (drawn from ${replies.length} of their replies):`];
  lines.push(`- Tone: ${TONE[style.formality]}${style.exclamations ? ' Exclamation marks are common.' : ''}${style.emoji ? ' An occasional emoji fits.' : ''}`);
  lines.push(`- Length: ${lengthAdvice(style.medianWords)}`);
  if (style.greetings.length > 0) lines.push(`- Open with a greeting like ${quoteList(style.greetings)}.`);
  if (style.signOffs.length > 0) lines.push(`- Sign off with ${quoteList(style.signOffs)}.`);
  if (style.phrases.length > 0) lines.push(`- Phrases the team often uses: ${quoteList(style.phrases)}.`);
  return lines.join('\n');
}

const TONE: Record<ReplyStyle['formality'], string> = {
  formal: 'formal and polite; full forms ("do not", "we will") rather than contractions.',
  neutral: 'friendly but professional.',
  casual: 'warm and conversational; contractions are fine.',
};

function lengthAdvice(medianWords: number): string {
  const size = medianWords <= 40 ? 'short' : medianWords <= 120 ? 'medium-length' : 'detailed';
  return `${size} replies, about ${medianWords} words.`;
}

const isText = (value: string | undefined): value is string => Boolean(value);

function greetingOf(reply: string): string | undefined {
  const match = reply.trim().match(GREETING);
  // "Hi Anna," → "Hi": the name is the customer's, not part of the team's voice.
  return match?.[1] ? capitalize(match[1]) : undefined;
}

const linesOf = (reply: string) => reply.trim().split('\n').map((l) => l.trim()).filter(Boolean);

/** Index of the sign-off line: the last line, or the one before a name ("Cheers,\nSam"); -1 if none. */
function signOffIndex(lines: readonly string[]): number {
  if (lines.length < 2) return -1;
  for (let i = lines.length - 1; i >= Math.max(1, lines.length - 2); i--) {
    if (SIGN_OFF.test(lines[i]!)) return i;
  }
  return -1;
}

function signOffOf(reply: string): string | undefined {
  const lines = linesOf(reply);
  const index = signOffIndex(lines);
  return index >= 0 ? capitalize(lines[index]!.match(SIGN_OFF)![1]!) : undefined;
}

/** The reply without its greeting line and its sign-off (and the name after it). */
function bodyOf(reply: string): string {
  const lines = linesOf(reply);
  const end = signOffIndex(lines);
  const start = lines.length > 1 && GREETING.test(lines[0]!) && lines[0]!.length <= 60 ? 1 : 0;
  return lines.slice(start, end >= 0 ? end : lines.length).join('\n');
}

function capitalize(text: string): string {
  const lower = text.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}'’]+/gu) ?? [];
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Values by frequency, most frequent first (ties: first seen), at most `limit`. */
function mostCommon(values: readonly string[], limit: number): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([value]) => value);
}

/**
 * Two- and three-word phrases found in at least two replies (counted once per reply), not made
 * of stop words alone. Among overlapping phrases ("happy to help" / "happy to") only the more
 * frequent, then longer, one is kept.
 */
function frequentPhrases(replies: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const reply of replies) {
    for (const gram of phrasesOf(words(reply))) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  const ranked = [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || b[0].split(' ').length - a[0].split(' ').length || a[0].localeCompare(b[0]));
  const kept: string[] = [];
  for (const [phrase] of ranked) {
    if (kept.some((k) => k.includes(phrase) || phrase.includes(k))) continue;
    kept.push(phrase);
    if (kept.length === MAX_PHRASES) break;
  }
  return kept;
}

/** The distinct 2- and 3-word phrases of one reply that hold at least one content word. */
function phrasesOf(tokens: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const n of [2, 3]) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const gram = tokens.slice(i, i + n);
      if (gram.some((w) => !STOP_WORDS.has(w))) grams.add(gram.join(' '));
    }
  }
  return grams;
}

function quoteList(items: readonly string[]): string {
  return items.map((item) => `"${item}"`).join(', ');
}
