import { Router } from 'express';
import { ROUTES, type WidgetConfigResponse } from '@prex/protocol';
import type { Db } from '../db/db.js';
import { tenantOf } from '../http/context.js';
import { publishableKeyAuth } from './middleware.js';

/** GET /v1/widget/config: what the pane needs to draw itself for the key's tenant. */
export function createWidgetConfigRouter(db: Db): Router {
  const router = Router();
  router.get(ROUTES.widgetConfig, publishableKeyAuth(db), (_req, res) => {
    const tenant = tenantOf(res);
    const body: WidgetConfigResponse = { tenant: { name: tenant.name }, theme: tenant.theme };
    // Not cached: the answer depends on the key header, which a URL-keyed cache would ignore.
    res.set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
