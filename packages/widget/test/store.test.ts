import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api.js';
import { createTokenStore, sessionStorageKey } from '../src/session.js';
import { createStore } from '../src/store.js';
import { answerFrames, fakeApi, msg, sse, sseDone, sseResponse, until } from './fakes.js';

const PK = 'pk_test_tenant_a';
const fastStream = { backoffMs: () => 5, stallMs: 5_000 };

function setup(impl: Parameters<typeof fakeApi>[0] = {}, token?: string) {
  localStorage.clear();
  if (token) localStorage.setItem(sessionStorageKey(PK), token);
  const { api, calls } = fakeApi(impl);
  const tokens = createTokenStore(PK, localStorage);
  const store = createStore({ api, tokens, stream: fastStream });
  const view = () =>
    store.messages.value.map((m) => ({ role: m.role, id: m.id.value, text: m.text.value, status: m.status.value }));
  return { store, calls, tokens, view };
}

describe('session token', () => {
  it('is kept per publishable key, so two tenants on one origin never mix', () => {
    localStorage.clear();
    const a = createTokenStore('pk_tenant_aaaa', localStorage);
    const b = createTokenStore('pk_tenant_bbbb', localStorage);
    a.set('token-a');
    expect(b.get()).toBeNull();
    b.set('token-b');
    expect(localStorage.getItem('prex:pk_tenant_aaaa:session')).toBe('token-a');
    expect(localStorage.getItem('prex:pk_tenant_bbbb:session')).toBe('token-b');
  });

  it('drops a token whose expiry has passed', () => {
    localStorage.clear();
    const t = createTokenStore(PK, localStorage);
    t.set(`sid.tid.${Math.floor(Date.now() / 1000) - 10}.mac`);
    expect(t.get()).toBeNull();
    expect(localStorage.getItem(sessionStorageKey(PK))).toBeNull();
  });
});

describe('store', () => {
  it('restores the conversation of a stored session and applies the tenant theme', async () => {
    const { store, calls, view } = setup(
      {
        history: async () => ({
          sessionId: 's',
          messages: [
            msg({ id: 'u1', role: 'user', text: 'Hi' }),
            msg({
              id: 'a1',
              role: 'assistant',
              text: 'Hello!',
              sources: [{ sourceId: 'x', documentId: 'd', title: 'Doc', snippet: '', url: 'https://e.example' }],
            }),
          ],
        }),
      },
      'stored-token',
    );
    await store.init();
    expect(calls.history).toEqual([['stored-token']]);
    expect(calls.createSession).toHaveLength(0);
    expect(view()).toEqual([
      { role: 'user', id: 'u1', text: 'Hi', status: 'complete' },
      { role: 'assistant', id: 'a1', text: 'Hello!', status: 'complete' },
    ]);
    expect(store.messages.value[1]!.sources.value[0]!.title).toBe('Doc');
    expect(store.theme.value.accentColor).toBe('#0f766e');
    expect(store.theme.value.title).toBe('Northwind help');
  });

  it('on 401 drops the stored token and creates a new session', async () => {
    const { store, calls, view } = setup(
      {
        history: async () => {
          throw new ApiError(401, 'unauthorized', 'bad token');
        },
      },
      'stale-token',
    );
    await store.init();
    await until(() => localStorage.getItem(sessionStorageKey(PK)) === 'tok1');
    expect(calls.createSession).toHaveLength(1);
    expect(view()).toEqual([]);
  });

  it('resumes an answer that was still streaming when the page reloaded, exactly', async () => {
    const s = sseResponse();
    const { store, calls, view } = setup(
      {
        history: async () => ({
          sessionId: 's',
          messages: [
            msg({ id: 'u1', role: 'user', text: 'Refunds?' }),
            msg({ id: 'a1', role: 'assistant', text: 'Refunds take', status: 'streaming' }),
          ],
        }),
        resume: async () => s.response,
      },
      'stored-token',
    );
    await store.init();
    await until(() => calls.resume.length === 1);
    expect(calls.resume[0]!.slice(0, 3)).toEqual(['stored-token', 'a1', 0]);
    expect(store.busy.value).toBe(true);
    s.push(answerFrames('a1', ['Refunds', ' take', ' 14 days.']));
    s.end();
    await until(() => !store.busy.value);
    expect(view()[1]).toEqual({ role: 'assistant', id: 'a1', text: 'Refunds take 14 days.', status: 'complete' });
  });

  it('sends a question and streams the answer into the messages', async () => {
    const s = sseResponse();
    const { store, calls, view } = setup({ send: async () => s.response });
    await store.init();
    expect(store.send('  How do refunds work?  ')).toBe(true);
    expect(view()).toEqual([
      { role: 'user', id: undefined, text: 'How do refunds work?', status: 'pending' },
      { role: 'assistant', id: undefined, text: '', status: 'pending' },
    ]);
    expect(store.send('second while busy')).toBe(false);
    await until(() => calls.send.length === 1);
    expect(calls.send[0]!.slice(0, 2)).toEqual(['tok1', 'How do refunds work?']);
    s.push(answerFrames('a1', ['Within ', '14 days.'], { userMessageId: 'u1' }));
    s.end();
    await until(() => !store.busy.value);
    expect(view()).toEqual([
      { role: 'user', id: 'u1', text: 'How do refunds work?', status: 'complete' },
      { role: 'assistant', id: 'a1', text: 'Within 14 days.', status: 'complete' },
    ]);
  });

  it('re-creates the session and sends again when the chat request gets 401', async () => {
    const s = sseResponse();
    let n = 0;
    const { store, calls } = setup(
      {
        send: async () => {
          if (n++ === 0) throw new ApiError(401, 'unauthorized', 'expired');
          return s.response;
        },
      },
      'old-token',
    );
    await store.init();
    store.send('Hi');
    await until(() => calls.send.length === 2);
    expect(calls.send.map((c) => c[0])).toEqual(['old-token', 'tok1']);
    s.push(answerFrames('a1', ['Hello']));
    s.end();
    await until(() => !store.busy.value);
    expect(store.messages.value.map((m) => m.text.value)).toEqual(['Hi', 'Hello']);
  });

  it('Stop posts /stop for the streaming answer and ends as stopped when `abort` arrives', async () => {
    const s = sseResponse();
    const { store, calls, view } = setup({ send: async () => s.response });
    await store.init();
    store.send('Long answer please');
    await until(() => calls.send.length === 1);
    s.push(sse(1, { type: 'start', messageId: 'a9' }) + sse(2, { type: 'text-delta', id: 't0', delta: 'Part one' }));
    await until(() => store.messages.value[1]!.text.value === 'Part one');
    await store.stop();
    expect(calls.stop).toEqual([['tok1', 'a9']]);
    s.push(sse(3, { type: 'abort' }) + sseDone(3));
    s.end();
    await until(() => !store.busy.value);
    expect(view()[1]).toMatchObject({ id: 'a9', text: 'Part one', status: 'stopped' });
  });

  it('a Stop pressed before `start` is sent as soon as the message id is known', async () => {
    const s = sseResponse();
    const { store, calls } = setup({ send: async () => s.response });
    await store.init();
    store.send('Hi');
    await store.stop();
    expect(calls.stop).toHaveLength(0);
    s.push(sse(1, { type: 'start', messageId: 'a3' }));
    await until(() => calls.stop.length === 1);
    expect(calls.stop[0]).toEqual(['tok1', 'a3']);
  });

  it('shows an error with Retry when sending fails, and Retry sends the question again', async () => {
    const s = sseResponse();
    let n = 0;
    const { store, calls, view } = setup({
      send: async () => {
        if (n++ === 0) throw new ApiError(500, 'internal', 'boom');
        return s.response;
      },
    });
    await store.init();
    store.send('Hi');
    await until(() => store.failure.value !== null);
    expect(view()).toEqual([{ role: 'user', id: undefined, text: 'Hi', status: 'error' }]);
    store.retry();
    await until(() => calls.send.length === 2);
    expect(store.failure.value).toBeNull();
    s.push(answerFrames('a1', ['Hello']));
    s.end();
    await until(() => !store.busy.value);
    expect(view().map((m) => [m.role, m.text, m.status])).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello', 'complete'],
    ]);
  });

  it('an `error` chunk marks the answer and offers Retry', async () => {
    const s = sseResponse();
    const { store } = setup({ send: async () => s.response });
    await store.init();
    store.send('Hi');
    await until(() => store.busy.value);
    s.push(answerFrames('a1', ['Partial'], { end: { type: 'error', errorText: 'The model is unavailable.' } }));
    s.end();
    await until(() => !store.busy.value);
    expect(store.messages.value[1]!.status.value).toBe('error');
    expect(store.failure.value?.message).toBe('The model is unavailable.');
  });

  it('after a drop it resumes with the last event id; a lost connection offers Retry from there', async () => {
    const first = sseResponse();
    const { store, calls } = setup({
      send: async () => first.response,
      resume: async () => {
        throw new ApiError(503, 'internal', 'down');
      },
    });
    await store.init();
    store.send('Hi');
    await until(() => calls.send.length === 1);
    first.push(sse(1, { type: 'start', messageId: 'a1' }) + sse(2, { type: 'text-delta', id: 't0', delta: 'Hel' }));
    await until(() => store.messages.value[1]!.text.value === 'Hel');
    first.fail();
    await until(() => store.failure.value !== null, 5000);
    expect(calls.resume.length).toBeGreaterThan(1);
    expect(calls.resume.every((c) => c[1] === 'a1' && c[2] === 2)).toBe(true);
    expect(store.messages.value[1]!.status.value).toBe('error');
  });
});

describe('store on a page whose origin the tenant does not allow', () => {
  it('shows the refusal as soon as the session cannot be created', async () => {
    const { store } = setup({
      createSession: async () => {
        throw new ApiError(403, 'forbidden_origin', 'Origin not allowed');
      },
    });
    await store.init();
    await until(() => store.failure.value !== null);
    expect(store.failure.value!.message).toBe('Chat is not enabled on this website.');
  });
});
