/**
 * Which images an answer may show: those whose host the workspace named (settings → image hosts),
 * `cdn.example` exactly or `*.cdn.example` for its subdomains. The visitor's browser fetches them,
 * so an unnamed host is never contacted (the Markdown shows a link instead).
 */
export const imageAllowed = (hosts: readonly string[]) => (href: string): boolean => {
  const host = new URL(href).host;
  return hosts.some((h) => h === host || (h[0] === '*' && host.endsWith(h.slice(1))));
};
