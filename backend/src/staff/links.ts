import type { Request } from 'express';

/**
 * Links mailed to staff lead to a console page that reads a one-time token. The token rides in the
 * fragment, which browsers never send to a server nor in a Referer.
 */
export function consoleLink(origin: string, page: 'accept-invite' | 'reset-password', token: string): string {
  return `${origin}/console/${page}#token=${token}`;
}

/** A conversation in the console's inbox (sent to managers by SMS when a customer asks for a person). */
export function consoleConversationLink(origin: string, sessionId: string): string {
  return `${origin}/console/inbox/${encodeURIComponent(sessionId)}`;
}

/** Where the caller reached this server (behind a proxy, as trust proxy lets Express see it). */
export function requestOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** Where mailed links point: PREX_PUBLIC_URL's origin when set, else the request's own origin. */
export function linkOrigin(publicOrigin: string | undefined, req: Request): string {
  return publicOrigin ?? requestOrigin(req);
}
