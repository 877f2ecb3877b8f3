import { Parser } from 'htmlparser2';

/**
 * Whether an HTML text nests elements more than `max` levels deep, read with htmlparser2, the
 * tokenizer linkedom builds its tree from (one element per open tag, up one per close tag, implied
 * ones included), so the depth counted is the tree's. Nothing is built, and reading stops at the
 * first element past `max`. It runs before linkedom, whose tree building slows down with depth
 * (100,000 nested <div>s take it over ten seconds).
 */
export function htmlDepthOver(html: string, max: number): boolean {
  let depth = 0;
  let over = false;
  const parser = new Parser(
    {
      onopentag() {
        if (++depth > max && !over) {
          over = true;
          parser.pause();
        }
      },
      onclosetag() {
        depth--;
      },
    },
    { decodeEntities: false },
  );
  parser.write(html);
  if (!over) parser.end();
  return over;
}
