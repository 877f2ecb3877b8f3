import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/db.js';
import { HttpError } from '../http/errors.js';
import { contextOf } from './context.js';

const ALLOWED_HEADERS = 'authorization, content-type';
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';

/**
 * CORS for the admin API. Browsers may read it only from the origins a tenant listed in its
 * `adminOrigins` (none by default), because a page that can read it holds the secret key.
 * A preflight names no tenant, so it is allowed when some tenant lists the origin; the request
 * itself is then checked against the tenant its key opens.
 */
export function adminPreflight(db: Db): RequestHandler {
  return async (req, res, next) => {
    const origin = req.get('origin');
    if (req.method !== 'OPTIONS' || !origin) return next();
    const rows = await db.query<{ ok: boolean }>('select exists (select 1 from tenants where $1 = any(admin_origins)) as ok', [origin]);
    if (rows[0]?.ok) allow(res, origin).set('Access-Control-Allow-Methods', ALLOWED_METHODS).set('Access-Control-Allow-Headers', ALLOWED_HEADERS).set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/** After secret-key auth: a browser request from an origin the tenant did not list is refused. */
export const adminOriginCheck: RequestHandler = (req: Request, res: Response, next) => {
  const origin = req.get('origin');
  if (!origin) return next();
  const tenant = contextOf(res).tenant;
  if (!tenant?.adminOrigins.includes(origin)) {
    throw new HttpError(403, 'forbidden_origin', `Origin ${origin} may not call the admin API from a browser: add it to the tenant's adminOrigins (PATCH /v1/admin/tenant) or call from a server`);
  }
  allow(res, origin);
  next();
};

function allow(res: Response, origin: string): Response {
  return res.set('Access-Control-Allow-Origin', origin).set('Vary', 'Origin');
}
