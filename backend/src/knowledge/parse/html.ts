import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlDepthOver } from './html-depth.js';
import { checkDocumentChars, formatCount, MAX_HTML_DEPTH, type ParseLimits } from './limits.js';
import { decodeText, escapeLineStarts, headingText, ParseError, type ParserOutput } from './types.js';

/** The few DOM features used here (the backend compiles without the DOM lib; linkedom provides them). */
interface DomNode {
  nodeType: number;
  textContent: string | null;
  childNodes: ArrayLike<DomNode> & Iterable<DomNode>;
}
interface DomElement extends DomNode {
  tagName: string;
  children: ArrayLike<DomElement> & Iterable<DomElement>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  remove(): void;
}
interface DomDocument {
  body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
  cloneNode(deep: boolean): unknown;
}

/** Elements that never hold content worth answering from. */
const DROP = 'script, style, noscript, template, iframe, svg, canvas, nav, form, button, select, input, textarea, [hidden], [aria-hidden="true"]';
/** Page furniture dropped when Readability cannot find an article and the whole body is used. */
const FURNITURE = 'header, footer, aside, [role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"]';

/**
 * HTML: the main content only (Mozilla Readability over linkedom), so navigation, scripts, styles
 * and page furniture are dropped, converted to Markdown that keeps the headings. When Readability
 * finds no article (a short page), the body without its furniture is used.
 */
export function parseHtml(bytes: Uint8Array, what: string, limits: ParseLimits): ParserOutput {
  return htmlToDocument(decodeText(bytes, what), { readability: true, what, limits });
}

/**
 * HTML text to Markdown. Its nesting is checked against MAX_HTML_DEPTH before linkedom builds the
 * tree (html-depth.ts), and its text against the document limit once converted.
 */
export function htmlToDocument(html: string, opts: { readability: boolean; what: string; limits: ParseLimits }): ParserOutput {
  const page = html.includes('<html') ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
  if (htmlDepthOver(page, MAX_HTML_DEPTH)) {
    throw new ParseError('limit', `${opts.what} nests HTML elements more than ${formatCount(MAX_HTML_DEPTH)} levels deep (the limit; browsers stop nesting there too)`);
  }
  const { document } = parseHTML(page) as unknown as { document: DomDocument };
  const pageTitle = headingText(document.querySelector('title')?.textContent ?? '') || meta(document, 'og:title');
  const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? meta(document, 'og:url');
  const url = canonical && /^https?:\/\//.test(canonical) ? canonical : undefined;
  for (const el of document.querySelectorAll(DROP)) el.remove();

  let markdown = '';
  let articleTitle: string | undefined;
  if (opts.readability) {
    const article = safeReadability(document.cloneNode(true));
    if (article?.content) {
      const { document: inner } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`) as unknown as { document: DomDocument };
      if (inner.body) markdown = toMarkdown(inner.body);
      articleTitle = headingText(article.title ?? '') || undefined;
      // Readability moves the page's <h1> into the title; keep it as the top heading.
      if (articleTitle && !/^#\s/m.test(markdown)) {
        const h1 = headingText(document.querySelector('h1')?.textContent ?? '');
        if (h1) markdown = `# ${h1}\n\n${markdown}`;
      }
    }
  }
  const body = document.body;
  if (!markdown.trim() && body) {
    for (const el of body.querySelectorAll(FURNITURE)) el.remove();
    markdown = toMarkdown(body);
  }
  checkDocumentChars(markdown.length, opts.limits, opts.what);
  const firstH1 = /^#[ \t]+(.+)$/m.exec(markdown)?.[1];
  return { title: pageTitle || articleTitle || firstH1, url, markdown };
}

function meta(document: DomDocument, property: string): string {
  const el = document.querySelector(`meta[property="${property}"], meta[name="${property}"]`);
  return headingText(el?.getAttribute('content') ?? '');
}

function safeReadability(document: unknown): ReturnType<Readability['parse']> {
  try {
    return new Readability(document as ConstructorParameters<typeof Readability>[0], { charThreshold: 0, keepClasses: false }).parse();
  } catch {
    return null;
  }
}

const BLOCKS = new Set(['P', 'DIV', 'SECTION', 'ARTICLE', 'MAIN', 'BLOCKQUOTE', 'FIGURE', 'FIGCAPTION', 'DL', 'DT', 'DD', 'ADDRESS', 'DETAILS', 'SUMMARY', 'HEADER', 'FOOTER', 'ASIDE']);

/** DOM → Markdown-ish text: headings, paragraphs, lists, code blocks, table rows. */
export function toMarkdown(root: DomElement): string {
  const blocks: string[] = [];
  let inline = '';
  const flush = () => {
    const text = inline.replace(/[ \t\r\n\f]+/g, ' ').trim();
    if (text) blocks.push(escapeLineStarts(text));
    inline = '';
  };

  const walk = (node: DomNode, listDepth: number): void => {
    if (node.nodeType === 3) {
      inline += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as DomElement;
    const tag = el.tagName.toUpperCase();
    const heading = /^H([1-6])$/.exec(tag);
    if (heading) {
      flush();
      const text = headingText(el.textContent ?? '');
      if (text) blocks.push(`${'#'.repeat(Number(heading[1]))} ${text}`);
      return;
    }
    if (tag === 'BR') {
      inline += '\n';
      return;
    }
    if (tag === 'PRE') {
      flush();
      const code = (el.textContent ?? '').replace(/\n+$/, '');
      if (code.trim()) blocks.push('```\n' + code.replace(/^```/gm, '` ``') + '\n```');
      return;
    }
    if (tag === 'LI') {
      flush();
      const before = blocks.length;
      for (const child of el.childNodes) walk(child, listDepth + 1);
      flush();
      // The item's first block gets the bullet; nested lists already carry theirs.
      if (blocks.length > before) blocks[before] = `${'  '.repeat(listDepth)}- ${blocks[before]}`;
      return;
    }
    if (tag === 'TR') {
      flush();
      const cells = [...el.children].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean);
      if (cells.length) blocks.push(cells.join(' | '));
      return;
    }
    if (tag === 'IMG') {
      const alt = el.getAttribute('alt');
      if (alt) inline += ` ${alt} `;
      return;
    }
    const block = BLOCKS.has(tag) || tag === 'UL' || tag === 'OL' || tag === 'TABLE' || tag === 'HR';
    if (block) flush();
    for (const child of el.childNodes) walk(child, tag === 'UL' || tag === 'OL' ? listDepth : listDepth);
    if (block) flush();
  };

  walk(root, 0);
  flush();
  // List items are single-spaced; everything else is separated by a blank line.
  return blocks.reduce((out, block, i) => {
    if (i === 0) return block;
    const tight = /^\s*- /.test(block) && /^\s*- /.test(blocks[i - 1]!);
    return `${out}${tight ? '\n' : '\n\n'}${block}`;
  }, '');
}
