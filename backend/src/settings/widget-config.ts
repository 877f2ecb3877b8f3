import { ROUTES, VOICE_LIMITS, type WidgetConfigResponse } from '@prex/protocol';
import { tenantOf } from '../auth/context.js';
import type { RouteGroup } from '../http/route-group.js';

/**
 * GET /v1/widget/config: what the pane needs to draw itself for the key's tenant. `voice` tells it
 * whether voice messages can be transcribed here (`transcription`: an endpoint is configured);
 * `microphone: false` that the tenant turned voice input off; `imageHosts` which hosts' images
 * answers may show (the pane shows any other image as a link).
 */
export function addWidgetConfigRoute(routes: RouteGroup, transcription: boolean): void {
  routes.get(ROUTES.widgetConfig, (_req, res) => {
    const tenant = tenantOf(res);
    const prefer = tenant.voiceInput;
    const voice = transcription && prefer !== 'off' ? { prefer, maxSeconds: VOICE_LIMITS.maxSeconds, maxBytes: VOICE_LIMITS.maxBytes } : null;
    const body: WidgetConfigResponse = { tenant: { name: tenant.name }, theme: tenant.theme, voice, microphone: prefer !== 'off' };
    if (tenant.imageHosts.length) body.imageHosts = tenant.imageHosts;
    // Not cached: the answer depends on the key header, which a URL-keyed cache would ignore.
    res.set('Cache-Control', 'no-store').json(body);
  });
}
