import type { Citation } from '@prex/protocol';
import { SMS_LIMITS } from '@prex/protocol';

/**
 * An answer as a phone shows it: plain text (SMS has no Markdown), its citation markers ([1]) kept,
 * and the sources listed after it as "[1] Title url", then cut into messages Twilio accepts.
 */
export function smsText(answer: string, sources: readonly Citation[]): string {
  const text = plainText(answer);
  if (sources.length === 0) return text;
  const lines = sources.map((s, i) => `[${i + 1}] ${s.title}${s.url ? ` ${s.url}` : ''}`);
  return `${text}\n\n${lines.join('\n')}`;
}

/** Markdown the answerer writes, as plain text: links keep their address, emphasis and headings their words. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/```[^\n]*\n?([\s\S]*?)```/g, '$1')
    .replace(/!?\[([^\]\n]+)\]\((\S+?)\)/g, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^[ \t]*[-*+][ \t]+/gm, '- ')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/g, '$1$2')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Messages of at most `max` characters (Twilio's limit for one message; the carrier splits each into
 * segments and the phone joins them), cut at a paragraph, else a line, a sentence, a word; a part
 * counted in code points, so an emoji is never cut in half.
 */
export function splitForSms(text: string, max: number = SMS_LIMITS.maxMessageChars): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while ([...rest].length > max) {
    const window = [...rest].slice(0, max).join('');
    const cut = lastBreak(window);
    parts.push(window.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Where to end a part inside `window`: the last good boundary in its second half, else the window's end. */
function lastBreak(window: string): number {
  const half = Math.floor(window.length / 2);
  for (const boundary of [/\n\n/g, /\n/g, /[.!?](?=\s)/g, /\s/g]) {
    let last = -1;
    for (const match of window.matchAll(boundary)) last = match.index + match[0].length;
    if (last > half) return last;
  }
  return window.length;
}
