import mammoth from 'mammoth';
import { htmlToDocument } from './html.js';
import { ParseError, type ParserOutput } from './types.js';

/**
 * DOCX: mammoth turns the document into HTML (Word's Heading 1-6 styles become <h1>-<h6>), which then
 * takes the HTML path so headings survive as sections.
 */
export async function parseDocx(bytes: Uint8Array, what: string): Promise<ParserOutput> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw new ParseError('unreadable', `${what} is not a DOCX file (not a zip archive)`);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
  } catch (err) {
    throw new ParseError('unreadable', `${what} could not be read as a DOCX: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const out = htmlToDocument(html, { readability: false });
  return { title: /^#[ \t]+(.+)$/m.exec(out.markdown)?.[1], markdown: out.markdown };
}
