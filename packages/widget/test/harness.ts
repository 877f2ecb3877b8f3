import type { PrexEventMap, PrexEventName } from '../src/events.js';
import { mount, type MountOptions, type PaneHandle } from '../src/mount.js';
import { fakeFetch, sse, sseDone, type Route } from './fakes.js';

/** The pane mounted on the fake backend fetch, with helpers to drive it like a visitor. */
export const PK = 'pk_test_tenant_a';

let sessions = 0;
export const config = () => ({ json: { tenant: { name: 'N' }, theme: { title: 'Help', greeting: 'Hi' } } });
export const newSession = () => {
  const n = ++sessions;
  return { json: { sessionId: `ses_${n}`, token: `ses_${n}.ten_a.9999999999.mac`, expiresAt: '2099-01-01T00:00:00.000Z' } };
};
/** Frames of an answer: start, text deltas, any extra chunks (e.g. data-prex-handoff), finish, [DONE]. */
export const answer = (id: string, deltas: string[], extra: unknown[] = []) => {
  const chunks = [{ type: 'start', messageId: id }, ...deltas.map((delta) => ({ type: 'text-delta', id: 't0', delta })), ...extra, { type: 'finish' }];
  return chunks.map((c, i) => sse(i + 1, c)).join('') + sseDone(chunks.length);
};
/** A finished SSE response carrying `frames`. */
export const sseBody = (frames: string) => ({ ok: true, status: 200, body: new Response(frames).body }) as unknown as Response;
export const json = (status: number, body: unknown) => ({ status, json: body });
export const apiError = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
  json(status, { error: { code, message, ...extra } });

export function mountPane(routes: Record<string, Route>, opts: Partial<MountOptions> = {}) {
  const el = document.createElement('div');
  document.body.append(el);
  const { fetch, requests } = fakeFetch({ 'GET /v1/widget/config': config, 'POST /v1/sessions': newSession, ...routes });
  const events: { name: PrexEventName; payload: unknown }[] = [];
  const emit = <K extends PrexEventName>(name: K, payload: PrexEventMap[K]) => void events.push({ name, payload });
  const handle: PaneHandle = mount({ root: el, publishableKey: PK, apiBase: 'https://api.prex.test', fetch, storage: localStorage, emit, ...opts });
  const shadow = el.querySelector('prex-pane')!.shadowRoot!;
  const $ = <T extends Element = HTMLElement>(id: string) => shadow.querySelector<T>(`[data-testid="${id}"]`);
  const $$ = (id: string) => [...shadow.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
  const ask = (text: string) => {
    const input = $<HTMLTextAreaElement>('prex-input')!;
    input.value = text;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    $<HTMLFormElement>('prex-composer')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  };
  /** Types into an input of the pane as a visitor would. */
  const fill = (id: string, value: string) => {
    const input = $<HTMLInputElement>(id)!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const submit = (id: string) => $<HTMLFormElement>(id)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  const bodies = (method: string, path: string) =>
    requests.filter((r) => r.method === method && r.path === path).map((r) => (r.body ? (JSON.parse(r.body) as unknown) : undefined));
  return { handle, el, shadow, $, $$, requests, events, ask, fill, submit, bodies };
}
export type Pane = ReturnType<typeof mountPane>;
