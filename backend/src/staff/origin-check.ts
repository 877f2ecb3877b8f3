import type { Request, RequestHandler } from 'express';
import { forbidden } from '../http/errors.js';

/**
 * Staff requests come from the console, served by this same server: a browser request sent by a
 * page of any other origin is refused before anything else (the first line against CSRF, before
 * the token check; it also covers sign-in, which has no token yet). Requests without an Origin
 * (curl, server-side scripts) pass: they carry no ambient browser cookies to abuse.
 */
export function staffOriginCheck(publicOrigin: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (req.get('sec-fetch-site') === 'cross-site') throw forbidden('Staff requests must come from the Prex console, not from another site');
    const origin = req.get('origin');
    if (origin && origin !== publicOrigin && origin !== ownOrigin(req)) {
      throw forbidden(`Origin ${origin} may not call the staff API: open the console at ${publicOrigin ?? ownOrigin(req)}`);
    }
    next();
  };
}

function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}
