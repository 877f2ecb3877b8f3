import type { AttachmentContentType } from '@prex/protocol';

/**
 * What a file is, from its first bytes: the only types Prex takes are ones it can recognise this
 * way, so a file declared as an image that is really HTML or a script is refused, and what is
 * served later is the sniffed type, never the one the browser claimed.
 */
const SIGNATURES: ReadonlyArray<{ type: AttachmentContentType; matches(bytes: Uint8Array): boolean }> = [
  { type: 'image/png', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { type: 'image/gif', matches: (b) => startsWith(b, ascii('GIF87a')) || startsWith(b, ascii('GIF89a')) },
  // RIFF....WEBP
  { type: 'image/webp', matches: (b) => startsWith(b, ascii('RIFF')) && startsWith(b.subarray(8), ascii('WEBP')) },
  { type: 'application/pdf', matches: (b) => startsWith(b, ascii('%PDF-')) },
];

/** The type these bytes are, or undefined when Prex does not recognise them. */
export function sniffContentType(bytes: Uint8Array): AttachmentContentType | undefined {
  const binary = SIGNATURES.find((s) => s.matches(bytes));
  if (binary) return binary.type;
  return isPlainText(bytes) ? 'text/plain' : undefined;
}

/** Valid UTF-8 without NUL or other control characters than tab, line feed, form feed and carriage return. */
function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  return !/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text);
}

/** Names of the types, for messages: "a PNG image". */
export const TYPE_NAMES: Record<AttachmentContentType, string> = {
  'image/png': 'a PNG image',
  'image/jpeg': 'a JPEG image',
  'image/gif': 'a GIF image',
  'image/webp': 'a WebP image',
  'application/pdf': 'a PDF',
  'text/plain': 'a plain text file',
};

/** What browsers send for the same types under other names. */
const ALIASES: Record<string, AttachmentContentType> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/x-png': 'image/png' };

/** The declared Content-Type as one of Prex's types (parameters such as charset dropped), or undefined. */
export function declaredType(header: string | undefined): string | undefined {
  const bare = header?.split(';')[0]?.trim().toLowerCase();
  if (!bare) return undefined;
  return ALIASES[bare] ?? bare;
}

export const isImageType = (type: string): boolean => type.startsWith('image/');

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}
