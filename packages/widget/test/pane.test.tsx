import { afterEach, describe, expect, it } from 'vitest';
import { mount, type PaneHandle } from '../src/mount.js';
import { fakeFetch, sse, sseDone, sseResponse, until, type Route } from './fakes.js';

const PK = 'pk_test_tenant_a';


const config = () => ({
  json: {
    tenant: { name: 'Northwind' },
    theme: { accentColor: '#0f766e', position: 'right', colorScheme: 'light', title: 'Northwind help', greeting: 'Hello from Northwind', launcherLabel: 'Chat' },
  },
});
const session = () => ({ json: { sessionId: 's1', token: 'tok1', expiresAt: '2099-01-01T00:00:00.000Z' } });

let handle: PaneHandle | undefined;
afterEach(() => {
  handle?.destroy();
  handle = undefined;
  document.body.innerHTML = '';
  localStorage.clear();
});

function setup(routes: Record<string, Route>, opts: { onClose?: () => void } = {}) {
  const el = document.createElement('div');
  document.body.append(el);
  const { fetch, requests } = fakeFetch(routes);
  handle = mount({ root: el, publishableKey: PK, apiBase: 'https://api.prex.test', fetch, storage: localStorage, ...opts });
  const shadow = el.querySelector('prex-pane')!.shadowRoot!;
  const $ = <T extends Element = HTMLElement>(id: string) => shadow.querySelector<T>(`[data-testid="${id}"]`);
  const $$ = (id: string) => [...shadow.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
  return { el, shadow, $, $$, requests };
}

function type(input: HTMLTextAreaElement, text: string) {
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
const enter = (input: HTMLElement, shiftKey = false) =>
  input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey, bubbles: true, cancelable: true }));

describe('pane', () => {
  it('mounts closed in its own shadow root with adopted stylesheets, opens, shows the tenant theme', async () => {
    const { shadow, $, el } = setup({ 'GET /v1/widget/config': config, 'POST /v1/sessions': session });
    expect(shadow.adoptedStyleSheets.length).toBe(2);
    expect(shadow.querySelector('style')).toBeNull();
    expect($('prex-pane')!.hidden).toBe(true);
    handle!.open();
    await until(() => $('prex-title')?.textContent === 'Northwind help');
    expect($('prex-pane')!.hidden).toBe(false);
    expect($('prex-pane')!.getAttribute('role')).toBe('dialog');
    expect($('prex-greeting')!.textContent).toBe('Hello from Northwind');
    expect($('prex-pane')!.style.getPropertyValue('--prex-accent')).toBe('#0f766e');
    // the session is created while the visitor reads the greeting, under the tenant's key
    await until(() => localStorage.getItem(`prex:${PK}:session`) === 'tok1');
    handle!.destroy();
    handle = undefined;
    expect(el.querySelector('prex-pane')).toBeNull();
  });

  it('Enter sends, Shift+Enter does not; streams the answer with a Stop button; sources are safe links', async () => {
    const s = sseResponse();
    const { $, $$, requests } = setup({
      'GET /v1/widget/config': config,
      'POST /v1/sessions': session,
      'POST /v1/chat': () => s.response,
    });
    handle!.open();
    const input = $<HTMLTextAreaElement>('prex-input')!;
    type(input, 'How do refunds work?');
    enter(input, true);
    expect($$('prex-message')).toHaveLength(0);
    enter(input);
    await until(() => $$('prex-message').length === 2);
    expect(input.value).toBe('');
    const [user, reply] = $$('prex-message');
    expect(user!.dataset.role).toBe('user');
    expect(reply!.dataset.role).toBe('assistant');
    expect($('prex-typing')).not.toBeNull();
    expect($('prex-stop')).not.toBeNull();
    expect($('prex-send')).toBeNull();
    expect($('prex-pane')!.dataset.busy).toBe('true');
    await until(() => requests.some((r) => r.url.endsWith('/v1/chat')));
    const chat = requests.find((r) => r.url.endsWith('/v1/chat'))!;
    expect(JSON.parse(chat.body!)).toEqual({ text: 'How do refunds work?' });
    expect(chat.headers['x-prex-key']).toBe(PK);
    expect(chat.headers.authorization).toBe('Bearer tok1');

    s.push(sse(1, { type: 'start', messageId: 'a1' }));
    s.push(sse(2, { type: 'data-prex-meta', data: { sessionId: 's1', userMessageId: 'u1', answerer: 'llm', grounded: true } }));
    s.push(sse(3, { type: 'text-delta', id: 't0', delta: 'Hi <img src=x onerror="alert(1)"> ' }));
    await until(() => $$('prex-message')[1]!.dataset.status === 'streaming' && !!$('prex-message-text'));
    s.push(sse(4, { type: 'text-delta', id: 't0', delta: 'refunds take 14 days.' }));
    s.push(sse(5, { type: 'source-url', sourceId: 's1', url: 'https://help.example/refunds', title: 'Refund policy', providerMetadata: { prex: { documentId: 'd1', section: 'Billing › Refunds', snippet: 'x' } } }));
    s.push(sse(6, { type: 'source-url', sourceId: 's2', url: 'javascript:alert(1)', title: 'Evil' }));
    s.push(sse(7, { type: 'source-document', sourceId: 's3', mediaType: 'text/markdown', title: 'FAQ' }));
    s.push(sse(8, { type: 'finish' }) + sseDone(8));
    s.end();
    await until(() => $$('prex-message')[1]!.dataset.status === 'complete');
    const text = $$('prex-message')[1]!.querySelector('[data-testid="prex-message-text"]')!;
    expect(text.textContent).toBe('Hi <img src=x onerror="alert(1)"> refunds take 14 days.');
    expect(text.querySelector('img')).toBeNull();
    expect($$('prex-message')[1]!.dataset.messageId).toBe('a1');
    expect($$('prex-message')[0]!.dataset.messageId).toBe('u1');
    const sources = $$('prex-source');
    expect(sources.map((e) => e.tagName)).toEqual(['A', 'DIV', 'DIV']); // no safe URL: a focusable card, not a link
    expect(sources[1]!.tabIndex).toBe(0);
    const link = sources[0] as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('https://help.example/refunds');
    expect(link.target).toBe('_blank');
    expect(link.rel).toBe('noopener noreferrer');
    expect(link.textContent).toContain('Refund policy');
    expect(link.textContent).toContain('Billing › Refunds');
    expect(sources[1]!.getAttribute('href')).toBeNull();
    expect($('prex-send')).not.toBeNull();
    expect($('prex-stop')).toBeNull();
  });

  it('restores the conversation after a reload and shows an error with Retry', async () => {
    localStorage.setItem(`prex:${PK}:session`, 'tok-old');
    let sends = 0;
    const s = sseResponse();
    const { $, $$ } = setup({
      'GET /v1/widget/config': config,
      'GET /v1/sessions/current/messages': () => ({
        json: {
          sessionId: 's1',
          messages: [
            { id: 'u1', role: 'user', text: 'Earlier question', status: 'complete', sources: [], createdAt: '2026-01-01T00:00:00Z' },
            { id: 'a1', role: 'assistant', text: 'Earlier answer', status: 'complete', sources: [], createdAt: '2026-01-01T00:00:01Z' },
          ],
        },
      }),
      'POST /v1/chat': () => (sends++ === 0 ? { status: 429, json: { error: { code: 'rate_limited', message: 'slow down' } } } : s.response),
    });
    handle!.open();
    await until(() => $$('prex-message').length === 2);
    expect($$('prex-message-text').map((m) => m.textContent)).toEqual(['Earlier question', 'Earlier answer']);
    type($<HTMLTextAreaElement>('prex-input')!, 'Again');
    $<HTMLFormElement>('prex-composer')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await until(() => !!$('prex-error'));
    expect($('prex-error')!.textContent).toContain('Too many messages');
    expect($$('prex-message')[2]!.dataset.status).toBe('error');
    $('prex-retry')!.click();
    await until(() => sends === 2);
    expect($('prex-error')).toBeNull();
    s.push(sse(1, { type: 'start', messageId: 'a2' }) + sse(2, { type: 'text-delta', id: 't0', delta: 'OK' }) + sse(3, { type: 'finish' }) + sseDone(3));
    s.end();
    await until(() => $$('prex-message').at(-1)?.dataset.status === 'complete');
    expect($$('prex-message').map((m) => m.dataset.role + ':' + m.querySelector('[data-testid="prex-message-text"]')?.textContent)).toEqual([
      'user:Earlier question',
      'assistant:Earlier answer',
      'user:Again',
      'assistant:OK',
    ]);
  });

  it('the close button and Escape close the pane and tell the embedder', async () => {
    let closed = 0;
    const { $ } = setup({ 'GET /v1/widget/config': config, 'POST /v1/sessions': session }, { onClose: () => closed++ });
    handle!.open();
    await until(() => !$('prex-pane')!.hidden);
    $('prex-close')!.click();
    await until(() => $('prex-pane')!.hidden);
    expect(closed).toBe(1);
    handle!.toggle();
    await until(() => !$('prex-pane')!.hidden);
    $('prex-input')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await until(() => $('prex-pane')!.hidden);
    expect(closed).toBe(2);
  });
});

describe('sectionLabel', async () => {
  const { sectionLabel } = await import('../src/components/Message.js');
  const c = (title: string, section?: string) => ({ sourceId: 'x', documentId: 'd', title, section, snippet: '' });
  it('drops a section that repeats the document title', () => {
    expect(sectionLabel(c('Billing', 'Billing › Refunds'))).toBe('Refunds');
    expect(sectionLabel(c('Billing', 'Billing'))).toBeUndefined();
    expect(sectionLabel(c('Policy', 'Billing › Refunds'))).toBe('Billing › Refunds');
    expect(sectionLabel(c('Policy'))).toBeUndefined();
  });
});
