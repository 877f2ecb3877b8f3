/** "jane@example.com" → "j***@example.com": enough for the visitor to recognise, little for a shoulder-surfer. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address[0]}***${address.slice(at)}`;
}
