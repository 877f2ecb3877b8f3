import { imageHostAllowed } from '@prex/protocol';

/** `![alt](url)` or `![alt](url "title")` in a passage's Markdown. */
const IMAGE = /!\[([^\]\n]{0,300})\]\(\s*<?(https?:\/\/[^\s)>]+)>?(?:\s+"[^"\n]*")?\s*\)/g;

/**
 * The first image of a passage that the tenant's image hosts allow, as Markdown to append to an
 * answer quoting that passage (the screenshot of the steps just quoted); undefined when there is
 * none. Quoted sentences are plain text, so the image would otherwise be lost.
 */
export function passageImage(markdown: string, hosts: readonly string[] | undefined): string | undefined {
  if (!hosts?.length) return undefined;
  for (const m of markdown.matchAll(IMAGE)) {
    const [, alt, url] = m;
    if (imageHostAllowed(hosts, url!)) return `![${alt!.replace(/[[\]]/g, '').trim()}](${url})`;
  }
  return undefined;
}
