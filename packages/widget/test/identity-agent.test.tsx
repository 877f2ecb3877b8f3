import { afterEach, describe, expect, it, vi } from 'vitest';
import { definePrexChat } from '../src/element.js';
import { identityBody } from '../src/identity.js';
import { mount } from '../src/mount.js';
import { fakeFetch, until } from './fakes.js';
import { answer, apiError, config, json, mountPane, PK, sseBody, type Pane } from './harness.js';

let panes: Pane[] = [];
afterEach(() => {
  for (const p of panes) p.handle.destroy();
  panes = [];
  document.body.innerHTML = '';
  localStorage.clear();
  vi.restoreAllMocks();
});
const open = (...args: Parameters<typeof mountPane>) => {
  const p = mountPane(...args);
  panes.push(p);
  return p;
};

const HMAC = 'a'.repeat(64);
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1XzQyIn0.c2lnbmF0dXJl';

describe('identityBody (what identify sends)', () => {
  it('tells a hex HMAC from a JWT by its two dots', () => {
    expect(identityBody({ userId: 'u_42', email: 'jo@example.com', name: 'Jo' }, HMAC.toUpperCase())).toEqual({
      userId: 'u_42',
      email: 'jo@example.com',
      name: 'Jo',
      signature: HMAC,
    });
    expect(identityBody({ userId: 'u_42' }, JWT)).toEqual({ userId: 'u_42', token: JWT });
    expect(identityBody({ userId: 'u_42' }, undefined)).toEqual({ userId: 'u_42' });
    // `id`, as the docs asked for before identity was verified, still works; numbers become strings
    expect(identityBody({ id: 42 }, HMAC)).toEqual({ userId: '42', signature: HMAC });
  });

  it('says what is wrong with bad input', () => {
    expect(identityBody({}, HMAC)).toMatch(/needs \{ userId/);
    expect(identityBody(null, HMAC)).toMatch(/needs \{ userId/);
    expect(identityBody({ userId: '  ' }, HMAC)).toMatch(/needs \{ userId/);
    expect(identityBody({ userId: 'u' }, 'not-a-signature')).toMatch(/neither a hex HMAC-SHA256/);
    expect(identityBody({ userId: 'u' }, 1234)).toMatch(/must be a string/);
  });
});

describe('identify', () => {
  it('sends the signed identity with the session once one exists', async () => {
    const p = open({ 'POST /v1/identity': () => json(200, { level: 'host' }) });
    p.handle.identify({ userId: 'u_42', email: 'jo@example.com', name: 'Jo' }, HMAC);
    await until(() => p.requests.some((r) => r.path === '/v1/identity'));
    const sent = p.requests.find((r) => r.path === '/v1/identity')!;
    expect(JSON.parse(sent.body!)).toEqual({ userId: 'u_42', email: 'jo@example.com', name: 'Jo', signature: HMAC });
    expect(sent.headers.authorization).toBe(`Bearer ${localStorage.getItem(`prex:${PK}:session`)}`);
    expect(sent.headers['x-prex-key']).toBe(PK);
    // once per session: a second open or restore does not send it again
    p.handle.open();
    await new Promise((r) => setTimeout(r, 50));
    expect(p.requests.filter((r) => r.path === '/v1/identity')).toHaveLength(1);
  });

  it('sends a JWT as token', async () => {
    const p = open({ 'POST /v1/identity': () => json(200, { level: 'host' }) });
    p.handle.identify({ userId: 'u_42' }, JWT);
    await until(() => p.bodies('POST', '/v1/identity').length === 1);
    expect(p.bodies('POST', '/v1/identity')).toEqual([{ userId: 'u_42', token: JWT }]);
  });

  it('a refusal (forged or required signature) is an error event and a console warning; the visitor stays anonymous', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const p = open({ 'POST /v1/identity': () => apiError(401, 'unauthorized', 'The identity signature does not match') });
    p.handle.open();
    await until(() => !!localStorage.getItem(`prex:${PK}:session`));
    const token = localStorage.getItem(`prex:${PK}:session`);
    p.handle.identify({ userId: 'u_42' }, HMAC);
    await until(() => p.events.some((e) => e.name === 'error'));
    expect(p.events.find((e) => e.name === 'error')!.payload).toEqual({ message: 'The identity signature does not match', code: 'unauthorized' });
    expect(warn).toHaveBeenCalledWith('[Prex] The identity signature does not match');
    expect(localStorage.getItem(`prex:${PK}:session`)).toBe(token);
    expect(p.$('prex-error')).toBeNull(); // the host's integration problem, not the visitor's
  });

  it('bad input is reported without a request', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const p = open({});
    p.handle.identify({ email: 'jo@example.com' }, HMAC);
    expect(p.events.find((e) => e.name === 'error')!.payload).toMatchObject({ code: 'invalid_identity' });
    expect(warn).toHaveBeenCalled();
    await new Promise((r) => setTimeout(r, 50));
    expect(p.requests.some((r) => r.path === '/v1/identity')).toBe(false);
  });

  it('a new conversation (new session) is identified too', async () => {
    const p = open({ 'POST /v1/identity': () => json(200, { level: 'host' }) });
    p.handle.identify({ userId: 'u_42' }, HMAC);
    await until(() => p.bodies('POST', '/v1/identity').length === 1);
    p.handle.open();
    p.$('prex-menu-button')!.click();
    await until(() => !!p.$('prex-new-chat'));
    p.$('prex-new-chat')!.click();
    await until(() => p.bodies('POST', '/v1/identity').length === 2);
    const [first, second] = p.requests.filter((r) => r.path === '/v1/identity');
    expect(first!.headers.authorization).not.toBe(second!.headers.authorization);
  });
});

describe('agent', () => {
  it('the agent option goes with every POST /v1/chat; without it the body has none', async () => {
    const sales = open({ 'POST /v1/chat': () => sseBody(answer('a1', ['Hi from sales'])) }, { agent: 'sales' });
    sales.handle.open();
    sales.ask('Price of the Pro plan?');
    await until(() => sales.$$('prex-message').at(-1)?.dataset.status === 'complete');
    sales.ask('And yearly?');
    await until(() => sales.bodies('POST', '/v1/chat').length === 2);
    expect(sales.bodies('POST', '/v1/chat')).toEqual([
      { text: 'Price of the Pro plan?', agent: 'sales' },
      { text: 'And yearly?', agent: 'sales' },
    ]);
    sales.handle.destroy();
    panes = [];
    localStorage.clear();

    const support = open({ 'POST /v1/chat': () => sseBody(answer('a1', ['Hi'])) });
    support.handle.open();
    support.ask('Hello');
    await until(() => support.bodies('POST', '/v1/chat').length === 1);
    expect(support.bodies('POST', '/v1/chat')).toEqual([{ text: 'Hello' }]);
  });

  it('an unknown agent is the server\'s 404, shown to the visitor with its message', async () => {
    const p = open({ 'POST /v1/chat': () => apiError(404, 'not_found', 'No agent named "salez"') }, { agent: 'salez' });
    p.handle.open();
    p.ask('Hi');
    await until(() => !!p.$('prex-error'));
    expect(p.$('prex-error')!.textContent).toContain('No agent named "salez"');
  });

  it('a malformed agent option is reported and the default agent answers', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const p = open({ 'POST /v1/chat': () => sseBody(answer('a1', ['Hi'])) }, { agent: 42 as unknown as string });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('agent must be an agent name'));
    p.handle.open();
    p.ask('Hello');
    await until(() => p.bodies('POST', '/v1/chat').length === 1);
    expect(p.bodies('POST', '/v1/chat')).toEqual([{ text: 'Hello' }]);
  });

  it('<prex-chat agent="sales"> sends it too', async () => {
    const { fetch, requests } = fakeFetch({
      'GET /v1/widget/config': config,
      'POST /v1/sessions': () => json(200, { sessionId: 's1', token: 's1.t.9999999999.m', expiresAt: '2099-01-01T00:00:00.000Z' }),
      'POST /v1/chat': () => sseBody(answer('a1', ['Hi'])),
    });
    // the element mounts with the page's fetch: hand it the fake one through mount
    definePrexChat((o) => mount({ ...o, fetch, storage: localStorage }), 'prex-chat-agent-test');
    const el = document.createElement('prex-chat-agent-test');
    el.setAttribute('publishable-key', PK);
    el.setAttribute('api-base', 'https://api.prex.test');
    el.setAttribute('agent', 'sales');
    document.body.append(el);
    const shadow = el.shadowRoot!.querySelector('prex-pane')!.shadowRoot!;
    const input = shadow.querySelector<HTMLTextAreaElement>('[data-testid="prex-input"]')!;
    input.value = 'Pricing?';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    shadow.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await until(() => requests.some((r) => r.path === '/v1/chat'));
    expect(JSON.parse(requests.find((r) => r.path === '/v1/chat')!.body!)).toEqual({ text: 'Pricing?', agent: 'sales' });
    el.remove();
  });
});

describe('two tenants on one page', () => {
  it('keep separate sessions: each widget sends its own key and its own token', async () => {
    const a = open({ 'POST /v1/chat': () => sseBody(answer('a1', ['A'])) }, { publishableKey: 'pk_tenant_aaaa' });
    const b = open({ 'POST /v1/chat': () => sseBody(answer('b1', ['B'])) }, { publishableKey: 'pk_tenant_bbbb' });
    a.handle.open();
    b.handle.open();
    await until(() => !!localStorage.getItem('prex:pk_tenant_aaaa:session') && !!localStorage.getItem('prex:pk_tenant_bbbb:session'));
    const tokenA = localStorage.getItem('prex:pk_tenant_aaaa:session')!;
    const tokenB = localStorage.getItem('prex:pk_tenant_bbbb:session')!;
    expect(tokenA).not.toBe(tokenB);
    a.ask('to A');
    b.ask('to B');
    await until(() => a.bodies('POST', '/v1/chat').length === 1 && b.bodies('POST', '/v1/chat').length === 1);
    const chatA = a.requests.find((r) => r.path === '/v1/chat')!;
    const chatB = b.requests.find((r) => r.path === '/v1/chat')!;
    expect([chatA.headers['x-prex-key'], chatA.headers.authorization]).toEqual(['pk_tenant_aaaa', `Bearer ${tokenA}`]);
    expect([chatB.headers['x-prex-key'], chatB.headers.authorization]).toEqual(['pk_tenant_bbbb', `Bearer ${tokenB}`]);
    // and their lists of past conversations are separate too
    expect(JSON.parse(localStorage.getItem('prex:pk_tenant_aaaa:sessions')!)).toEqual([tokenA]);
    expect(JSON.parse(localStorage.getItem('prex:pk_tenant_bbbb:sessions')!)).toEqual([tokenB]);
  });
});
