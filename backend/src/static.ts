import { discardBody } from './http/discard-body.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';
import { ROUTES } from '@prex/protocol';
import type { Config } from './config.js';
import { notFound } from './http/errors.js';
import type { Logger } from './logger.js';

/** The workspace root, from backend/src or backend/dist. */
export const workspaceRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface StaticDirs {
  /** Folder containing loader.js. */
  loaderDir: string;
  /** Folder served under /widget (pane.js and chunks/). */
  widgetDir: string;
}

/** PREX_STATIC_DIR holds loader.js and widget/; by default the workspace packages' build output. */
export function staticDirs(staticDir: string | undefined): StaticDirs {
  if (staticDir) return { loaderDir: path.resolve(staticDir), widgetDir: path.resolve(staticDir, 'widget') };
  return {
    loaderDir: path.join(workspaceRoot, 'packages/loader/dist'),
    widgetDir: path.join(workspaceRoot, 'packages/widget/dist'),
  };
}

/** loader.js and pane.js keep their names across releases, so caches must check back soon. */
const SHORT_CACHE = 'public, max-age=300';
/** Hashed chunk names change with their content, so they never need revalidation. */
const LONG_CACHE = 'public, max-age=31536000, immutable';

/**
 * GET /loader.js and GET /widget/*. A missing build is logged once at start-up and answered with
 * a 404 naming the build command, so the API keeps working without the front-end built.
 */
export function createStaticRouter(config: Config, log: Logger): Router {
  const { loaderDir, widgetDir } = staticDirs(config.staticDir);
  const router = Router();
  const loaderFile = path.join(loaderDir, 'loader.js');
  if (!existsSync(loaderFile)) log.warn('loader.js not found; GET /loader.js will 404 until it is built', { path: loaderFile });
  if (!existsSync(widgetDir)) log.warn('widget build not found; GET /widget/* will 404 until it is built', { path: widgetDir });

  router.get(ROUTES.loaderScript, discardBody, (_req, res, next) => {
    res.sendFile(loaderFile, { headers: { 'Cache-Control': SHORT_CACHE } }, (err) => {
      if (err && !res.headersSent) next(notBuilt('loader.js', '@prex/loader'));
    });
  });
  router.use(
    ROUTES.widgetAssets,
    express.static(widgetDir, { index: false, fallthrough: true, setHeaders: widgetCacheHeaders(widgetDir) }),
    (req, _res, next) => next(existsSync(widgetDir) ? notFound(`No widget asset ${req.path}`) : notBuilt('the widget', '@prex/widget')),
  );
  return router;
}

/** The widget build puts content-hashed files under chunks/ (see packages/widget/vite.config.ts). */
function widgetCacheHeaders(widgetDir: string) {
  return (res: Response, file: string): void => {
    const hashed = path.relative(widgetDir, file).split(path.sep)[0] === 'chunks';
    res.setHeader('Cache-Control', hashed ? LONG_CACHE : SHORT_CACHE);
  };
}

function notBuilt(what: string, pkg: string) {
  return notFound(`${what} is not built: run "pnpm --filter ${pkg} build" (or "pnpm build")`);
}
