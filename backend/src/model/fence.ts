/**
 * Fences: outside text (documents, visitors' messages, staff replies, transcripts) goes into a
 * prompt between tags of ours, as data. This is the one place that keeps such text from opening or
 * closing one of those tags, so the property is kept in one copy for every prompt Prex builds.
 */

/** Format characters (zero-width spaces and joiners, bidi controls, soft hyphens): invisible, so they could hide a tag. */
const INVISIBLE = /\p{Cf}/gu;

/**
 * The text as the model will read it: compatibility-normalised (a full-width ＜ is a <) and without
 * invisible characters, so a tag spelt with look-alikes or with a zero-width space inside is still
 * seen, and defused, as a tag.
 */
export function normalizeForPrompt(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '');
}

const tagPatterns = new Map<string, RegExp>();

/** Any opening or closing spelling of one of `tags`, with or without its closing bracket. */
function tagPattern(tags: readonly string[]): RegExp {
  const key = tags.join('|');
  let pattern = tagPatterns.get(key);
  if (!pattern) {
    pattern = new RegExp(`<\\s*\\/?\\s*(?:${key})\\b[^<>]*>?`, 'gi');
    tagPatterns.set(key, pattern);
  }
  return pattern;
}

/** `text`, normalised, with every spelling of `tags` shown with look-alike brackets (‹/passage›) instead. */
export function defuseTags(text: string, tags: readonly string[]): string {
  return normalizeForPrompt(text).replace(tagPattern(tags), (tag) => tag.replace(/</g, '‹').replace(/>/g, '›'));
}

export interface FenceOptions {
  /** Written into the opening tag as is: the caller builds it from trusted or defused text. */
  attributes?: string;
  /** Every tag of the prompt the body must not spell (by default the fence's own). */
  defuse?: readonly string[];
}

/** `body` between `<tag …attributes>` and `</tag>`, unable to open or close any of the prompt's tags. */
export function fence(tag: string, body: string, options: FenceOptions = {}): string {
  const open = options.attributes ? `<${tag} ${options.attributes}>` : `<${tag}>`;
  return `${open}\n${defuseTags(body, options.defuse ?? [tag])}\n</${tag}>`;
}
