import { decodeText, type ParserOutput } from './types.js';

const FRONT_MATTER = /^---[ \t]*\n([\s\S]*?)\n---[ \t]*(?:\n|$)/;

/**
 * Markdown as is. A leading YAML-style front matter block is removed; its `title:` and `url:`
 * (or `source_url:` / `canonical_url:`) lines are used. The first `# ` heading is the title otherwise.
 */
export function parseMarkdown(bytes: Uint8Array, what: string): ParserOutput {
  let text = decodeText(bytes, what).replace(/\r\n?/g, '\n');
  let title: string | undefined;
  let url: string | undefined;
  const front = FRONT_MATTER.exec(text);
  if (front) {
    text = text.slice(front[0].length);
    for (const line of front[1]!.split('\n')) {
      const m = /^(\w+)\s*:\s*(.*?)\s*$/.exec(line);
      if (!m) continue;
      const value = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
      const key = m[1]!.toLowerCase();
      if (key === 'title' && value) title = value;
      if ((key === 'url' || key === 'source_url' || key === 'canonical_url') && /^https?:\/\//.test(value)) url = value;
    }
  }
  title ??= /^#[ \t]+(.+?)[ \t]*#*[ \t]*$/m.exec(text)?.[1];
  return { title, url, markdown: text };
}
