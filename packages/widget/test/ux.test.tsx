import { afterEach, describe, expect, it } from 'vitest';
import type { PaneHandle } from '../src/mount.js';
import { createConversationTokens } from '../src/conversations.js';
import { pickLocale, stringsFor } from '../src/i18n/index.js';
import { sse, sseDone, sseResponse, until, type Route } from './fakes.js';
import { mountPane, PK } from './harness.js';



const config = () => ({ json: { tenant: { name: 'N' }, theme: { title: 'Help', greeting: 'Hi', suggestions: ['How do refunds work?'] } } });
let sessions = 0;
const session = () => ({ json: { sessionId: `s${++sessions}`, token: `ses_${sessions}.ten_a.9999999999.mac`, expiresAt: '2099-01-01T00:00:00.000Z' } });
const answer = (id: string, deltas: string[]) =>
  [sse(1, { type: 'start', messageId: id }), ...deltas.map((d, i) => sse(i + 2, { type: 'text-delta', id: 't0', delta: d })), sse(deltas.length + 2, { type: 'finish' }), sseDone(deltas.length + 2)].join('');

let handle: PaneHandle | undefined;
afterEach(() => {
  handle?.destroy();
  handle = undefined;
  document.body.innerHTML = '';
  localStorage.clear();
});

function setup(routes: Record<string, Route>, opts: { locale?: string } = {}) {
  const pane = mountPane({ 'GET /v1/widget/config': config, 'POST /v1/sessions': session, ...routes }, opts);
  handle = pane.handle;
  return pane;
}

describe('answers', () => {
  it('render Markdown as elements, links only safe targets, and are announced once finished', async () => {
    const s = sseResponse();
    const { $, $$, ask } = setup({ 'POST /v1/chat': () => s.response });
    handle!.open();
    ask('Q');
    const frames = answer('a1', ['Use **bold**', ' and [bad](javascript:alert(1)) and [good](https://ok.example)\n\n- one\n- two']);
    const cut = frames.indexOf('id: 4');
    s.push(frames.slice(0, cut));
    await until(() => $$('prex-message-text').length === 2 && $$('prex-message-text')[1]!.textContent!.includes('two'));
    expect($('prex-announcer')!.textContent).toBe('');
    s.push(frames.slice(cut));
    s.end();
    await until(() => $$('prex-message').at(-1)?.dataset.status === 'complete');
    const text = $$('prex-message-text').at(-1)!;
    expect(text.querySelector('strong')!.textContent).toBe('bold');
    expect([...text.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['https://ok.example/']);
    expect(text.querySelectorAll('li')).toHaveLength(2);
    expect($('prex-announcer')!.textContent).toBe('Answer: Use bold and bad and good - one - two');
    expect($$('prex-avatar').at(-1)!.dataset.author).toBe('bot');
  });

  it('thumbs and an optional comment are sent for the answer', async () => {
    const s = sseResponse();
    const { $, $$, ask, requests } = setup({
      'POST /v1/chat': () => s.response,
      'POST feedback': (init) => ({ json: { messageId: 'a1', ...JSON.parse(init.body as string), updatedAt: '2026-01-01T00:00:00.000Z' } }),
    });
    handle!.open();
    ask('Q');
    s.push(answer('a1', ['Fine']));
    s.end();
    await until(() => !!$('prex-feedback-down'));
    $('prex-feedback-down')!.click();
    await until(() => requests.some((r) => r.path.endsWith('/feedback')));
    const first = requests.find((r) => r.path.endsWith('/feedback'))!;
    expect(first.path).toBe('/v1/chat/a1/feedback');
    expect(JSON.parse(first.body!)).toEqual({ rating: 'down' });
    expect(first.headers.authorization).toMatch(/^Bearer ses_/);
    await until(() => !!$('prex-feedback-comment'));
    expect($('prex-feedback-down')!.getAttribute('aria-pressed')).toBe('true');
    const box = $<HTMLTextAreaElement>('prex-feedback-comment')!;
    box.value = 'Too short';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 0));
    $('prex-feedback-submit')!.click();
    await until(() => requests.filter((r) => r.path.endsWith('/feedback')).length === 2);
    expect(JSON.parse(requests.filter((r) => r.path.endsWith('/feedback'))[1]!.body!)).toEqual({ rating: 'down', comment: 'Too short' });
    await until(() => !!$('prex-feedback-thanks'));
    expect($$('prex-feedback')).toHaveLength(1);
  });

  it('counts answers that finish while the pane is closed, and clears the count on open', async () => {
    const s = sseResponse();
    const { $$, ask, events } = setup({ 'POST /v1/chat': () => s.response });
    handle!.open();
    ask('Q');
    await until(() => $$('prex-message').length === 2);
    handle!.close();
    s.push(answer('a1', ['Done']));
    s.end();
    await until(() => events.some((e) => e.name === 'unread:change'));
    expect(events.filter((e) => e.name !== 'ready' && e.name !== 'open' && e.name !== 'close')).toEqual([
      { name: 'message:sent', payload: { text: 'Q' } },
      { name: 'message:received', payload: { messageId: 'a1', text: 'Done', status: 'complete' } },
      { name: 'unread:change', payload: { count: 1 } },
    ]);
    handle!.open();
    await until(() => events.filter((e) => e.name === 'unread:change').length === 2);
    expect(events.at(-1)).toEqual({ name: 'unread:change', payload: { count: 0 } });
  });

  it('a message that could not be sent can be resent from the message itself', async () => {
    let sends = 0;
    const s = sseResponse();
    const { $, $$, ask } = setup({ 'POST /v1/chat': () => (sends++ === 0 ? { status: 500, json: {} } : s.response) });
    handle!.open();
    ask('Hello?');
    await until(() => !!$('prex-resend'));
    $('prex-resend')!.click();
    s.push(answer('a1', ['Hi']));
    s.end();
    await until(() => $$('prex-message').at(-1)?.dataset.status === 'complete');
    // the unsent question is replaced by the resent one (no duplicate)
    expect($$('prex-message').map((m) => m.dataset.role + ':' + m.dataset.status)).toEqual(['user:pending', 'assistant:complete']);
    expect($$('prex-message-text')[0]!.textContent).toBe('Hello?');
    expect($('prex-resend')).toBeNull();
  });
});

describe('conversations', () => {
  it('new conversation starts a fresh session; the history lists kept ones and reopens them', async () => {
    sessions = 0;
    const streams = [sseResponse(), sseResponse()];
    let chats = 0;
    const { $, $$, ask, requests } = setup({
      'POST /v1/chat': () => streams[chats++]!.response,
      'GET /v1/sessions/current/messages': (init) => ({
        json: {
          sessionId: 's1',
          messages: (init.headers as Record<string, string>).authorization!.includes('ses_1.')
            ? [
                { id: 'u1', role: 'user', text: 'First', status: 'complete', sources: [], createdAt: '2026-01-01T00:00:00Z' },
                { id: 'a1', role: 'assistant', text: 'One', status: 'complete', sources: [], createdAt: '2026-01-01T00:00:01Z', author: 'human' },
              ]
            : [],
        },
      }),
      'POST /v1/conversations/summaries': (init) => {
        const { tokens } = JSON.parse(init.body as string) as { tokens: string[] };
        return {
          json: {
            conversations: tokens.map((t, index) => ({ index, sessionId: t.split('.')[0], title: t.includes('ses_1.') ? 'First' : 'Second', messageCount: 2, lastActivityAt: '2026-01-01T00:00:00.000Z' })),
          },
        };
      },
    });
    handle!.open();
    await until(() => !!localStorage.getItem(`prex:${PK}:session`));
    ask('First');
    streams[0]!.push(answer('a1', ['One']));
    streams[0]!.end();
    await until(() => $$('prex-message').at(-1)?.dataset.status === 'complete');

    $('prex-menu-button')!.click(); // new conversation and history live in the header's menu
    await until(() => !!$('prex-new-chat'));
    $('prex-new-chat')!.click();
    await until(() => $$('prex-message').length === 0 && localStorage.getItem(`prex:${PK}:session`)?.startsWith('ses_2.') === true);
    expect(createConversationTokens(PK, localStorage).list().map((t) => t.split('.')[0])).toEqual(['ses_2', 'ses_1']);

    $('prex-menu-button')!.click();
    await until(() => !!$('prex-history-button'));
    $('prex-history-button')!.click();
    await until(() => $$('prex-conversation').length === 2);
    const summaries = requests.find((r) => r.path === '/v1/conversations/summaries')!;
    expect(summaries.headers['x-prex-key']).toBe(PK);
    expect($$('prex-conversation').map((b) => b.dataset.current)).toEqual(['true', 'false']);
    $$('prex-conversation')[1]!.click();
    await until(() => $$('prex-message').length === 2);
    expect($$('prex-message-text').map((m) => m.textContent)).toEqual(['First', 'One']);
    expect($$('prex-avatar')[0]!.dataset.author).toBe('human');
    expect($('prex-author')!.textContent).toBe('Support agent');
    expect(localStorage.getItem(`prex:${PK}:session`)!.startsWith('ses_1.')).toBe(true);
  });

  it('suggested questions send on click', async () => {
    const s = sseResponse();
    const { $, $$ } = setup({ 'POST /v1/chat': () => s.response });
    handle!.open();
    await until(() => !!$('prex-suggestion'));
    $('prex-suggestion')!.click();
    await until(() => $$('prex-message').length === 2);
    expect($$('prex-message-text')[0]!.textContent).toBe('How do refunds work?');
  });
});

describe('i18n', () => {
  it('picks the configured locale, else the browser language, else English', () => {
    expect(pickLocale('de-AT', ['en-US'])).toBe('de');
    expect(pickLocale(undefined, ['fr-FR', 'de-DE'])).toBe('de');
    expect(pickLocale('xx', [])).toBe('en');
    const de = stringsFor('de');
    const en = stringsFor('en');
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });

  it('renders the pane in the chosen language', async () => {
    const { $ } = setup({}, { locale: 'de' });
    handle!.open();
    await until(() => !$('prex-pane')!.hidden);
    expect($('prex-input')!.getAttribute('aria-label')).toBe('Nachricht');
    expect($('prex-close')!.getAttribute('aria-label')).toBe('Chat schließen');
    expect($('prex-pane')!.getAttribute('lang')).toBe('de');
  });
});

describe('conversation tokens', () => {
  it('keeps the newest 20 per key (and namespace), drops expired ones and those the backend forgot', () => {
    const kept = createConversationTokens(PK, localStorage);
    const tok = (n: number, exp = 9999999999) => `ses_${n}.ten_a.${exp}.mac`;
    for (let n = 1; n <= 22; n++) kept.add(tok(n));
    kept.add(tok(22));
    expect(kept.list()).toHaveLength(20);
    expect(kept.list()[0]).toBe(tok(22));
    kept.add(tok(99, 1));
    expect(kept.list()).not.toContain(tok(99, 1));
    kept.keep([tok(22), tok(21)]);
    expect(kept.list()).toEqual([tok(22), tok(21)]);
    expect(createConversationTokens(PK, localStorage, 'Support').list()).toEqual([]);
    expect(localStorage.getItem(`prex:${PK}:sessions`)).toContain('ses_22');
  });
});

describe('the microphone', () => {
  /** A browser with speech recognition of its own (Chrome, Edge, Safari): the microphone can work without the server. */
  const g = globalThis as { webkitSpeechRecognition?: unknown };
  afterEach(() => {
    delete g.webkitSpeechRecognition;
  });

  async function composerWith(extra: Record<string, unknown>) {
    g.webkitSpeechRecognition = class {};
    const pane = setup({ 'GET /v1/widget/config': () => ({ json: { ...config().json, voice: null, ...extra } }) });
    handle!.open();
    await until(() => pane.$('prex-title')?.textContent === 'Help');
    return pane;
  }

  it('shows where the browser can listen and the workspace leaves voice input on', async () => {
    const { $ } = await composerWith({ microphone: true });
    expect($('prex-voice')).not.toBeNull();
  });

  it('is gone when the workspace turned voice input off, whatever the browser can do', async () => {
    const { $ } = await composerWith({ microphone: false });
    expect($('prex-send')).not.toBeNull();
    expect($('prex-voice')).toBeNull();
  });
});
