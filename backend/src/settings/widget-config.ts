import { ROUTES, type WidgetConfigResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { RouteGroup } from '../http/route-group.js';

/** GET /v1/widget/config: what the pane needs to draw itself for the key's tenant. */
export function addWidgetConfigRoute(routes: RouteGroup): void {
  routes.get(ROUTES.widgetConfig, (_req, res) => {
    const tenant = tenantOf(res);
    const body: WidgetConfigResponse = { tenant: { name: tenant.name }, theme: tenant.theme };
    // Not cached: the answer depends on the key header, which a URL-keyed cache would ignore.
    res.set('Cache-Control', 'no-store').json(body);
  });
}
