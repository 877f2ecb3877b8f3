import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type RequestHandler, type Response } from 'express';
import type { Config } from './config.js';
import { discardBody } from './http/discard-body.js';
import { notFound } from './http/errors.js';
import type { Logger } from './logger.js';
import { workspaceRoot } from './static.js';

/** Where the console is served; its build uses the same base (packages/console/vite.config.ts). */
export const CONSOLE_PREFIX = '/console';
/** The Theme page's live widget preview, framed by the console (its own CSP below). */
export const THEME_PREVIEW_PAGE = `${CONSOLE_PREFIX}/theme-preview`;

/** PREX_STATIC_DIR/console, else the workspace package's build output. */
export function consoleDir(staticDir: string | undefined): string {
  return staticDir ? path.resolve(staticDir, 'console') : path.join(workspaceRoot, 'packages/console/dist');
}

/**
 * The console's page: same origin as the staff API it calls, nothing inline, never framed (a
 * framed console could be clickjacked into replying or resolving), no URL in a Referer (invite
 * and reset links carry their token in the fragment, which is never sent, but the path still says
 * what the page is).
 */
function pageHeaders(config: Config): Record<string, string> {
  // With Supabase sign-in configured, the page also talks to the project's Auth server, and only to it.
  const connect = config.supabase ? `'self' ${new URL(config.supabase.url).origin}` : "'self'";
  return {
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${connect}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    ...FIXED_HEADERS,
  };
}

/**
 * The Theme page's preview document (packages/console/theme-preview.html): framed by the console
 * only, running the real loader and pane from this origin, and reaching no server at all (the draft
 * arrives by postMessage, the widget config from a fetch the document answers itself), so the
 * preview creates no visitor session. Images from anywhere: the draft's avatar URL is shown.
 */
const PREVIEW_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

const FIXED_HEADERS: Record<string, string> = {
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // index.html names the hashed assets of the current build: always ask again.
  'Cache-Control': 'no-cache',
};

/**
 * GET /console/assets/* (hashed, cached for a year) and every other GET /console/* answered with
 * the app's index.html: the console routes in the browser (/console/inbox/ses_…), so a reload or a
 * link from an email lands on the app. A missing build is a 404 that names the build command.
 */
export function createConsoleRouter(config: Config, log: Logger): Router {
  const dir = consoleDir(config.staticDir);
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) log.warn('console build not found; GET /console will 404 until it is built', { path: dir });
  const router = Router();
  router.use(
    `${CONSOLE_PREFIX}/assets`,
    express.static(path.join(dir, 'assets'), { index: false, fallthrough: true, immutable: true, maxAge: '365d' }),
    (req, _res, next) => next(notFound(`No console asset ${req.path}`)),
  );
  router.get(THEME_PREVIEW_PAGE, discardBody, sendPage(path.join(dir, 'theme-preview.html'), PREVIEW_HEADERS));
  const page = sendPage(indexFile, pageHeaders(config));
  router.get(CONSOLE_PREFIX, discardBody, page);
  router.get(`${CONSOLE_PREFIX}/*path`, discardBody, page);
  return router;
}

function sendPage(indexFile: string, headers: Record<string, string>): RequestHandler {
  return (_req, res: Response, next) => {
    res.sendFile(indexFile, { headers }, (err) => {
      if (err && !res.headersSent) next(notFound('The console is not built: run "pnpm --filter @prex/console build" (or "pnpm build")'));
    });
  };
}
