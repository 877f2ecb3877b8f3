/**
 * Which images an answer may show: those whose host the workspace named (its image hosts setting),
 * `cdn.example` exactly, `*.cdn.example` for its subdomains, `host:port` exactly. A visitor's browser
 * fetches them, so an unnamed host is never contacted. Used by the pane (rendering) and the backend
 * (which images an extractive answer carries). Zod-free: the pane imports it through wire.
 */
export function imageHostAllowed(hosts: readonly string[], href: string): boolean {
  // The authority of an http(s) URL, after any user@ part (https://cdn.example@evil.example is evil.example's).
  const m = /^https?:\/\/(?:[^/?#]*@)?([^/?#@\\]+)/i.exec(href);
  const host = m?.[1]!.toLowerCase();
  return !!host && hosts.some((h) => h === host || (h[0] === '*' && host.endsWith(h.slice(1))));
}
