/**
 * The `Content-Disposition` of a served attachment: `inline` for images (the console shows them),
 * `attachment` for everything else (a PDF or text file is saved, never rendered in Prex's origin).
 * The visitor's file name goes in twice, as RFC 6266 advises: an ASCII fallback in `filename`
 * (quotes, backslashes, control characters and anything non-ASCII replaced) and the exact name in
 * `filename*` (RFC 5987, UTF-8, percent-encoded), which every current browser prefers.
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const name = safeFilename(filename);
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${rfc5987(name)}`;
}

/** The name without any path, control characters or characters no file system takes; never empty. */
export function safeFilename(filename: string): string {
  const base = filename.split(/[/\\]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^[.\s]+/, '').trim();
  return cleaned || 'attachment';
}

/** encodeURIComponent leaves ' ( ) * ! unescaped; RFC 5987's attr-char does not allow them. */
function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
