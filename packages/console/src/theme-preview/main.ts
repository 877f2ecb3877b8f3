import type { WidgetConfigResponse } from '@prex/protocol';
import type { PreviewDraft, PreviewReady } from '../theme/preview-message.js';
import './preview.css';

/**
 * The Theme page's live preview: the real loader (/loader.js) and, through it, the real pane
 * (/widget/pane.js), the very files visitors get, drawing the draft theme the page posts here.
 *
 * The draft reaches them through paths both already accept: `Prex('boot', { theme })` and
 * `Prex('update', { theme })`, the host page's theme override. The boot config also carries a
 * `fetch` (the pane's injected fetch, MountOptions.fetch) that answers the widget config here, with
 * the defaults under the draft, and refuses everything else: the preview never reaches the
 * backend, so it creates no visitor session and counts in no analytics. The document's CSP
 * (`connect-src 'none'`, backend/src/console-static.ts) holds it to that.
 */

type Prex = (command: string, ...args: unknown[]) => unknown;
const win = window as Window & { Prex?: Prex };

/** A key no tenant has: the loader and pane want one (storage keys); nothing ever sends it. */
const PREVIEW_KEY = 'pk_themepreview';
let tenantName = '';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const previewFetch = (input: RequestInfo | URL): Promise<Response> => {
  const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
  if (path === '/v1/widget/config') {
    // The theme is the draft, layered on by the override; this layer only has to be valid.
    const config = { tenant: { name: tenantName }, theme: {} } as unknown as WidgetConfigResponse;
    return Promise.resolve(json(200, config));
  }
  return Promise.resolve(json(503, { error: { code: 'preview', message: 'This is a preview: messages are not sent.' } }));
};

/** The latest draft posted; the loader boots with it once it has arrived. */
let latest: PreviewDraft | undefined;
let booted = false;

function load() {
  // Open, as the loader restores a pane that was open before a reload: mounted open without taking
  // the focus, which stays in the Theme page's form while the staff member types.
  try {
    sessionStorage.setItem(`prex:${PREVIEW_KEY}:open`, '1');
  } catch {
    /* storage blocked: the launcher opens it */
  }
  const script = document.createElement('script');
  script.src = '/loader.js';
  script.onload = () => {
    booted = true;
    win.Prex?.('boot', { publishableKey: PREVIEW_KEY, apiBase: location.origin, theme: latest!.theme, fetch: previewFetch });
  };
  document.body.append(script);
}

addEventListener('message', (event: MessageEvent<PreviewDraft>) => {
  if (event.origin !== location.origin || event.source !== parent || event.data?.type !== 'prex-theme-preview') return;
  const first = !latest;
  latest = event.data;
  document.documentElement.dataset.scheme = latest.scheme;
  tenantName = latest.tenantName;
  if (first) load();
  else if (booted) win.Prex?.('update', { theme: latest.theme });
});

const ready: PreviewReady = { type: 'prex-theme-preview-ready' };
parent.postMessage(ready, location.origin);
