import mammoth from 'mammoth';
import { htmlToDocument } from './html.js';
import type { ParseLimits } from './limits.js';
import { ParseError, type ParserOutput } from './types.js';
import { checkZipLimits } from './zip-limits.js';

/**
 * Images are never read: only their alt text is indexed (mammoth adds it), and mammoth's default
 * would inline every image as base64 into the HTML, several times its size in memory.
 */
const SKIP_IMAGES = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * DOCX: mammoth turns the document into HTML (Word's Heading 1-6 styles become <h1>-<h6>), which then
 * takes the HTML path so headings survive as sections. The archive's entry count and unpacked size
 * are checked first (zip-limits.ts): mammoth inflates whole parts into memory.
 */
export async function parseDocx(bytes: Uint8Array, what: string, limits: ParseLimits): Promise<ParserOutput> {
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) throw new ParseError('unreadable', `${what} is not a DOCX file (not a zip archive)`);
  await checkZipLimits(bytes, what);
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }, { convertImage: SKIP_IMAGES })).value;
  } catch (err) {
    throw new ParseError('unreadable', `${what} could not be read as a DOCX: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const out = htmlToDocument(html, { readability: false, what, limits });
  return { title: /^#[ \t]+(.+)$/m.exec(out.markdown)?.[1], markdown: out.markdown };
}
