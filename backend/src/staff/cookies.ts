import type { CookieOptions, Request, Response } from 'express';

/**
 * The console's session cookie: httpOnly (page scripts never see it), SameSite=Strict (no other
 * site's page makes the browser send it), Secure when the request came over https, and sent only
 * to the staff API's paths.
 */
export const STAFF_COOKIE = 'prex_staff';
const COOKIE_PATH = '/v1/staff';

function options(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure: req.secure, path: COOKIE_PATH };
}

export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(STAFF_COOKIE, token, { ...options(req), expires: expiresAt });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(STAFF_COOKIE, options(req));
}

/** The value of cookie `name` in the request's Cookie header (the first, should there be several). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
