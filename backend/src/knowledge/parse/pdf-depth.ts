/**
 * The deepest nesting of arrays (`[ ]`) and dictionaries (`<< >>`) in a PDF's uncompressed syntax,
 * found in one pass over the bytes without parsing objects: strings, comments and stream data are
 * skipped, so brackets inside them do not count. Stops as soon as `max` is exceeded. Objects inside
 * compressed object streams are not seen here; the sandbox's stack limit covers those.
 */
export function pdfDepthOver(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i]!;
    if (c === LBRACKET || (c === LT && bytes[i + 1] === LT)) {
      if (++depth > max) return true;
      i += c === LT ? 2 : 1;
    } else if (c === RBRACKET || (c === GT && bytes[i + 1] === GT)) {
      depth = Math.max(0, depth - 1);
      i += c === GT ? 2 : 1;
    } else if (c === LPAREN) i = skipLiteralString(bytes, i);
    else if (c === LT) i = indexOrEnd(bytes, GT, i + 1) + 1; // a hex string <…>
    else if (c === PERCENT) i = skipLine(bytes, i);
    else if (c === LOWER_S && startsWithAt(bytes, i, STREAM) && isDelimitedBefore(bytes, i)) i = skipStream(bytes, i);
    else i++;
  }
  return false;
}

const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LT = 0x3c;
const GT = 0x3e;
const LPAREN = 0x28;
const RPAREN = 0x29;
const BACKSLASH = 0x5c;
const PERCENT = 0x25;
const LOWER_S = 0x73;
const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');

/** Past a (…) string: parentheses balance inside it unless escaped. */
function skipLiteralString(bytes: Uint8Array, start: number): number {
  let open = 0;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === BACKSLASH) i++;
    else if (c === LPAREN) open++;
    else if (c === RPAREN && --open === 0) return i + 1;
  }
  return bytes.length;
}

function skipLine(bytes: Uint8Array, start: number): number {
  let i = start;
  while (i < bytes.length && bytes[i] !== 0x0a && bytes[i] !== 0x0d) i++;
  return i;
}

/** Past `stream … endstream`: its data is binary, whatever /Length says. */
function skipStream(bytes: Uint8Array, start: number): number {
  const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(ENDSTREAM, start + STREAM.length);
  return end < 0 ? bytes.length : end + ENDSTREAM.length;
}

function indexOrEnd(bytes: Uint8Array, byte: number, from: number): number {
  const i = bytes.indexOf(byte, from);
  return i < 0 ? bytes.length : i;
}

function startsWithAt(bytes: Uint8Array, at: number, word: Uint8Array): boolean {
  for (let k = 0; k < word.length; k++) if (bytes[at + k] !== word[k]) return false;
  return true;
}

/** `stream` as a keyword, not the tail of `endstream` or of a name like /Substream. */
function isDelimitedBefore(bytes: Uint8Array, at: number): boolean {
  const prev = bytes[at - 1];
  return prev === undefined || prev === 0x0a || prev === 0x0d || prev === 0x20 || prev === 0x09 || prev === GT;
}
