import { Router, type RequestHandler } from 'express';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Routes that share one policy (authentication, body parsing, limits). The policy runs inside each
 * matched route, after its path matched and its parameters are known: a path no route knows falls
 * through to the 404 handler instead of being refused by an auth check first, and the policy can
 * validate path parameters too. Mount `router` in the app.
 */
export interface RouteGroup {
  readonly router: Router;
  get(path: string, ...handlers: RequestHandler[]): RouteGroup;
  post(path: string, ...handlers: RequestHandler[]): RouteGroup;
  put(path: string, ...handlers: RequestHandler[]): RouteGroup;
  patch(path: string, ...handlers: RequestHandler[]): RouteGroup;
  delete(path: string, ...handlers: RequestHandler[]): RouteGroup;
}

/** A group whose every route runs `policy` first; the app declares each policy once. */
export function routeGroup(policy: readonly RequestHandler[]): RouteGroup {
  const router = Router();
  const add = (method: Method) => (path: string, ...handlers: RequestHandler[]): RouteGroup => {
    router[method](path, ...policy, ...handlers);
    return group;
  };
  const group: RouteGroup = { router, get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete') };
  return group;
}

/** The kinds of routes Prex has, each with its policy; features register their routes in them. */
export interface Routes {
  /** Host pages and widgets with the publishable key: rate limited, small JSON bodies. */
  keyed(): RouteGroup;
  /** The same plus the visitor's session token. */
  visitor(): RouteGroup;
  /** The tenant's own servers with the secret key: failed keys limited per address, larger bodies. */
  admin(): RouteGroup;
  /** Console sign-in and invite acceptance: rate limited, small JSON bodies, same-origin browsers only. */
  staffSignIn(): RouteGroup;
  /** The console's routes: the same plus a live staff session cookie and, to change anything, its CSRF token. */
  staff(): RouteGroup;
  /** Calls from a provider (Twilio): rate limited, small form bodies, no key; each route checks the provider's signature. */
  webhook(): RouteGroup;
  /** A tenant's own gateways with a JWT signed by its channel secret: rate limited per address and per tenant, small JSON bodies. */
  channelApi(): RouteGroup;
}
