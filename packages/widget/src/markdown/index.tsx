/**
 * A small Markdown renderer for answers: paragraphs, headings (as bold lines), lists, block
 * quotes, emphasis, strikethrough, links, autolinks, inline code, fenced code blocks (with a
 * copy button) and tables.
 *
 * Hand-written on purpose: the pane's byte budget (30 kB gzipped for everything) rules out the
 * usual parsers and sanitizers, and building Preact VNodes directly means no HTML string from the
 * model ever reaches the DOM. Every piece of model text ends up as a text node; the only
 * attribute taken from the text is a link's href, and only http(s) and mailto URLs become links
 * (anything else is shown as plain text).
 *
 * `![alt](url)` is an image only where `img` allows its URL (the tenant's image hosts: the visitor's
 * browser fetches it), lazy and without a referrer; any other image is a link labelled with its alt
 * text, so nothing is fetched from a host the workspace did not name.
 *
 * `[1]` and `[1, 3]` are the answer's citation markers (the n-th source under the answer); given
 * a `cite` function they become what it returns (a control that leads to the source card).
 *
 * `partial` is set while the answer is still streaming: an unclosed `**`, `` ` `` or `[label](`
 * at the end is rendered as if it were closed (instead of flashing the raw markers), and an
 * unclosed code fence is already a code block, so the text never jumps between two looks.
 */
import { h, type ComponentChildren, type VNode } from 'preact';
import { useState } from 'preact/hooks';

/** An http(s) or mailto URL, normalised; anything else (javascript:, data:, relative…) is null. */
export function safeHref(raw: string): string | null {
  const u = raw.trim();
  if (!/^(?:https?:\/\/|mailto:)/i.test(u) || /[\s<>"'`\\\u0000-\u001f\u007f]/.test(u)) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

const link = (href: string, children: ComponentChildren) =>
  h('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }, children);

/** Turns citation marker n into a node, or null (no such source: the marker stays text). */
export type Cite = (n: number) => ComponentChildren | null;
/** Whether an image at this (http(s), normalised) URL may be shown. */
export type ImageAllowed = (href: string) => boolean;
/** What the host of the Markdown decides: citation markers and which images show. */
export interface Hooks {
  cite?: Cite | undefined;
  img?: ImageAllowed | undefined;
}
const MARKER = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/;

const ESCAPABLE = '\\`*_{}[]()#+-.!|~<>';
const EMPHASIS = [
  ['**', 'strong'],
  ['__', 'strong'],
  ['~~', 's'],
  ['*', 'em'],
  ['_', 'em'],
] as const;
const word = (c: string | undefined) => !!c && /[\p{L}\p{N}]/u.test(c);

/** Finds the `close` bracket matching the `open` one at `from` (nesting counted), or -1. */
function matching(s: string, from: number, open: string, close: string): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === open) depth++;
    else if (s[i] === close && --depth === 0) return i;
  }
  return -1;
}

/** A link or image target: `url`, `url "title"` or `<url>`. */
const target = (raw: string) => raw.trim().replace(/\s+["'(].*$/s, '').replace(/^<(.*)>$/s, '$1');

/** Inline Markdown → children (strings become text nodes). */
export function inline(s: string, partial = false, x: Hooks = {}): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let buf = '';
  const push = (node: ComponentChildren) => {
    if (buf) out.push(buf);
    buf = '';
    out.push(node);
  };
  let i = 0;
  scan: while (i < s.length) {
    const c = s[i]!;
    // While streaming, emphasis markers at the very end are the start of something: not shown yet.
    if (partial && /^[*_~]+$/.test(s.slice(i))) break;
    if (c === '\\' && ESCAPABLE.includes(s[i + 1] ?? 'x')) {
      buf += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const end = s.indexOf('`'.repeat(n), i + n);
      if (end >= 0 || partial) {
        push(h('code', null, s.slice(i + n, end >= 0 ? end : s.length)));
        if (end < 0) break;
        i = end + n;
        continue;
      }
      buf += '`'.repeat(n);
      i += n;
      continue;
    }
    if (c === '!' && s[i + 1] === '[') {
      const close = matching(s, i + 1, '[', ']');
      const end = close > 0 && s[close + 1] === '(' ? matching(s, close + 1, '(', ')') : -1;
      if (end > 0) {
        const alt = s.slice(i + 2, close);
        const href = safeHref(target(s.slice(close + 2, end)));
        push(href && /^https?:/.test(href) && x.img?.(href) ? h('img', { class: 'prex-img', src: href, alt, loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' }) : href ? link(href, alt || href) : alt);
        i = end + 1;
        continue;
      }
      // An image still arriving shows nothing until its URL is complete.
      if (partial && (close < 0 || s[close + 1] === '(' || close === s.length - 1)) break;
    }
    if (c === '[' && x.cite) {
      const m = MARKER.exec(s.slice(i, i + 40));
      const nodes = m && s[i + m[0].length] !== '(' ? m[1]!.split(',').map((n) => x.cite!(+n)) : [];
      if (nodes.length && nodes.every((n) => n)) {
        for (const n of nodes) push(n);
        i += m![0].length;
        continue;
      }
    }
    if (c === '[') {
      const close = matching(s, i, '[', ']');
      if (close < 0) {
        if (partial) {
          push(inline(s.slice(i + 1), true, x));
          break;
        }
      } else if (s[close + 1] === '(') {
        const end = matching(s, close + 1, '(', ')');
        const label = inline(s.slice(i + 1, close));
        if (end < 0) {
          if (partial) {
            push(label);
            break;
          }
        } else {
          // [label](url "title") / [label](<url>)
          const href = safeHref(target(s.slice(close + 2, end)));
          push(href ? link(href, label) : label);
          i = end + 1;
          continue;
        }
      }
    }
    if (c === '<') {
      const m = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(s.slice(i, i + 2100));
      const href = m && safeHref(m[1]!);
      if (m && href) {
        push(link(href, m[1]));
        i += m[0].length;
        continue;
      }
    }
    if ((c === 'h' || c === 'H') && !word(s[i - 1])) {
      const m = /^https?:\/\/[^\s<>"'`]+/i.exec(s.slice(i, i + 2100));
      if (m) {
        let url = m[0];
        // Trailing punctuation belongs to the sentence; a ")" only if unbalanced.
        for (;;) {
          const last = url.at(-1)!;
          if ('.,;:!?\'"*_'.includes(last)) url = url.slice(0, -1);
          else if (last === ')' && url.split('(').length < url.split(')').length) url = url.slice(0, -1);
          else break;
        }
        const href = safeHref(url);
        if (href) {
          push(link(href, url));
          i += url.length;
          continue;
        }
      }
    }
    for (const [d, tag] of EMPHASIS) {
      if (!s.startsWith(d, i)) continue;
      const next = s[i + d.length];
      if (!next || /\s/.test(next) || (d[0] === '_' && word(s[i - 1]))) break;
      let j = i + d.length;
      for (;;) {
        j = s.indexOf(d, j + 1);
        if (j < 0) break;
        if (!/\s/.test(s[j - 1]!) && !(d[0] === '_' && word(s[j + d.length])) && !(d === '*' && s[j + 1] === '*')) break;
      }
      if (j < 0 && !partial) break;
      push(h(tag, null, inline(s.slice(i + d.length, j < 0 ? s.length : j), partial && j < 0, x)));
      if (j < 0) break scan;
      i = j + d.length;
      continue scan;
    }
    buf += c;
    i++;
  }
  if (buf) out.push(buf);
  return out;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

const startsBlock = (line: string, next: string | undefined) =>
  FENCE.test(line) || HEADING.test(line) || RULE.test(line) || ITEM.test(line) || QUOTE.test(line) ||
  (line.includes('|') && next !== undefined && TABLE_SEP.test(next) && next.includes('-'));

export interface MdStrings {
  copy: string;
  copied: string;
}

/** Block Markdown → VNodes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function blocks(text: string, partial: boolean, t: MdStrings, x: Hooks = {}): VNode<any>[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: VNode<any>[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = FENCE.exec(line))) {
      const fence = m[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence)) body.push(lines[i++]!);
      i++;
      out.push(h(CodeBlock, { lang: m[2] ?? '', code: body.join('\n'), t }));
    } else if ((m = HEADING.exec(line))) {
      i++;
      out.push(h('p', { class: 'prex-h' }, h('strong', null, inline(m[1]!, partial && i >= lines.length, x))));
    } else if (RULE.test(line)) {
      out.push(h('hr', null));
      i++;
    } else if ((m = QUOTE.exec(line))) {
      const body: string[] = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]!))) (body.push(m[1]!), i++);
      out.push(h('blockquote', null, blocks(body.join('\n'), partial && i >= lines.length, t, x)));
    } else if ((m = ITEM.exec(line))) {
      const indent = m[1]!.length;
      const ordered = /\d/.test(m[2]!);
      const items: string[][] = [];
      while (i < lines.length) {
        const l = lines[i]!;
        const im = ITEM.exec(l);
        if (im && im[1]!.length <= indent + 1 && /\d/.test(im[2]!) === ordered) items.push([im[3]!]);
        else if (im && im[1]!.length <= indent + 1) break;
        else if (!l.trim()) {
          // a blank line ends the list unless the next line continues it (item or indented text)
          const n = lines[i + 1];
          const nm = n === undefined ? null : ITEM.exec(n);
          if (n === undefined || !(/^\s+\S/.test(n) || (nm && nm[1]!.length <= indent + 1 && /\d/.test(nm[2]!) === ordered))) break;
          items.at(-1)!.push('');
        } else if (/^\s/.test(l) && l.search(/\S/) > indent) items.at(-1)!.push(l.replace(/^\s{1,4}/, ''));
        // Not CommonMark: an unindented line after an item is a new paragraph, not a "lazy"
        // continuation of the item. Models write "3. Confirm.\nYou will get an email." meaning two blocks.
        else break;
        i++;
      }
      const last = partial && i >= lines.length;
      const start = ordered ? parseInt(m[2]!, 10) : 1;
      out.push(
        h(
          ordered ? 'ol' : 'ul',
          start !== 1 ? { start } : null,
          items.map((it, k) => {
            const body = it.join('\n').trimEnd();
            const kids = /\n\s*\n|\n\s*([-*+]|\d+[.)])\s|\n```/.test(body) ? blocks(body, last && k === items.length - 1, t, x) : inline(body, last && k === items.length - 1, x);
            return h('li', null, kids);
          }),
        ),
      );
    } else if (line.includes('|') && TABLE_SEP.test(lines[i + 1] ?? '') && lines[i + 1]!.includes('-')) {
      const head = cells(line);
      const align = cells(lines[i + 1]!).map((c) => (c.endsWith(':') ? (c.startsWith(':') ? 'center' : 'right') : c.startsWith(':') ? 'left' : undefined));
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.includes('|') && lines[i]!.trim()) rows.push(cells(lines[i++]!));
      const cell = (tag: string, c: string | undefined, k: number) =>
        h(tag, align[k] ? { class: `prex-${align[k]}` } : null, inline(c ?? '', false, x));
      out.push(
        h(
          'div',
          { class: 'prex-table', tabIndex: 0 },
          h('table', null, h('thead', null, h('tr', null, head.map((c, k) => cell('th', c, k)))), h('tbody', null, rows.map((r) => h('tr', null, head.map((_, k) => cell('td', r[k], k)))))),
        ),
      );
    } else {
      const para = [line];
      i++;
      while (i < lines.length && lines[i]!.trim() && !startsBlock(lines[i]!, lines[i + 1])) para.push(lines[i++]!);
      out.push(h('p', null, inline(para.join('\n'), partial && i >= lines.length, x)));
    }
  }
  return out;
}

function CodeBlock({ lang, code, t }: { lang: string; code: string; t: MdStrings }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="prex-code" data-testid="prex-code">
      <pre tabIndex={0} aria-label={lang || undefined}>
        <code>{code}</code>
      </pre>
      <button
        type="button"
        class="prex-copy"
        data-testid="prex-copy"
        aria-label={copied ? t.copied : t.copy}
        title={copied ? t.copied : t.copy}
        onClick={() => {
          void globalThis.navigator?.clipboard?.writeText(code).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          }, () => {});
        }}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          {copied ? <path d="M5 12l5 5L20 7" /> : <path d="M9 9h10v10H9zM5 15V5h10" />}
        </svg>
      </button>
    </div>
  );
}

/** Renders an answer's Markdown. */
export function Markdown({ text, partial, t, cite, img }: { text: string; partial: boolean; t: MdStrings; cite?: Cite | undefined; img?: ImageAllowed | undefined }) {
  return <>{blocks(text, partial, t, { cite, img })}</>;
}
