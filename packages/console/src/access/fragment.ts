/** Mailed links carry their one-time token in the fragment, which browsers never send to a server. */
export function tokenFromFragment(): string {
  return new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
}
