import type { ChatMessage, Citation, Theme, ThemeOverride, UIStreamChunk } from '@prex/protocol';
import { LIMITS, citationFromSourceChunk } from '@prex/protocol/wire';
import { batch, computed, signal, type Signal } from '@preact/signals';
import { ApiError, type ApiClient } from './api.js';
import type { Emit } from './events.js';
import type { TokenStore } from './session.js';
import { readAnswerStream, StreamDroppedError, type AnswerStreamOptions } from './stream.js';
import { resolveTheme } from './theme.js';

/** `pending`: sent, nothing back yet. The rest mirror the server's message statuses. */
export type UiStatus = 'pending' | 'streaming' | 'complete' | 'stopped' | 'error';

export interface UiMessage {
  /** Stable local key (the server id arrives later for new messages). */
  readonly key: string;
  readonly role: 'user' | 'assistant';
  readonly id: Signal<string | undefined>;
  readonly text: Signal<string>;
  readonly status: Signal<UiStatus>;
  readonly sources: Signal<Citation[]>;
}

export interface Failure {
  message: string;
  /** What the Retry button does. */
  retry(): void;
}

export interface StoreOptions {
  api: ApiClient;
  tokens: TokenStore;
  themeOverride?: ThemeOverride | undefined;
  /** Passed through to the stream reader (tests shorten the backoff). */
  stream?: Pick<AnswerStreamOptions, 'backoffMs' | 'maxAttempts' | 'stallMs' | 'events'>;
  onTheme?: ((theme: Theme) => void) | undefined;
  /** Reports widget events to the host page (see events.ts). */
  emit?: Emit | undefined;
}

export type Store = ReturnType<typeof createStore>;

let keySeq = 0;
function makeMessage(role: UiMessage['role'], text = '', status: UiStatus = 'complete', id?: string, sources: Citation[] = []): UiMessage {
  return {
    key: `m${++keySeq}`,
    role,
    id: signal(id),
    text: signal(text),
    status: signal(status),
    sources: signal(sources),
  };
}

const friendly = (e: unknown): string => {
  if (e instanceof ApiError) {
    if (e.code === 'rate_limited' || e.status === 429) return 'Too many messages. Please wait a moment and try again.';
    if (e.code === 'forbidden_origin') return 'Chat is not enabled on this website.';
    if (e.status >= 400 && e.status < 500 && e.message) return e.message;
  }
  return 'Something went wrong. Please try again.';
};

export function createStore({ api, tokens, themeOverride, stream, onTheme }: StoreOptions) {
  const messages = signal<UiMessage[]>([]);
  const theme = signal<Theme>(resolveTheme(themeOverride));
  const isOpen = signal(false);
  /** 'loading' while the previous conversation is being restored. */
  const phase = signal<'loading' | 'ready'>('ready');
  const connection = signal<'live' | 'reconnecting'>('live');
  const failure = signal<Failure | null>(null);
  const draft = signal('');
  const current = signal<UiMessage | null>(null);
  /** An answer is on its way (Send turns into Stop). */
  const busy = computed(() => current.value !== null);

  const life = new AbortController();
  let sessionPromise: Promise<string> | null = null;
  let stopRequested = false;

  function session(): Promise<string> {
    const token = tokens.get();
    if (token) return Promise.resolve(token);
    sessionPromise ??= api.createSession().then(
      (s) => {
        tokens.set(s.token);
        sessionPromise = null;
        return s.token;
      },
      (e: unknown) => {
        sessionPromise = null;
        throw e;
      },
    );
    return sessionPromise;
  }

  async function loadConfig() {
    try {
      const cfg = await api.config();
      theme.value = resolveTheme(cfg.theme, themeOverride);
      onTheme?.(theme.value);
    } catch {
      /* keep the defaults; the chat itself reports real problems */
    }
  }

  /** Creates the session while the visitor types; a refusal of this origin is shown at once. */
  function prepareSession() {
    session().catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 403) {
        failure.value = { message: friendly(e), retry: () => ((failure.value = null), prepareSession()) };
      }
    });
  }

  async function restore() {
    const token = tokens.get();
    if (!token) return prepareSession();
    phase.value = 'loading';
    try {
      const h = await api.history(token);
      const list = h.messages.map((m: ChatMessage) =>
        makeMessage(m.role, m.text, m.status, m.id, m.sources),
      );
      messages.value = list;
      const lastMsg = list.at(-1);
      if (lastMsg?.role === 'assistant' && lastMsg.status.peek() === 'streaming' && lastMsg.id.peek()) {
        void resume(lastMsg, lastMsg.id.peek()!, 0);
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        tokens.clear();
        prepareSession();
      }
      // anything else: start with an empty conversation; sending will surface real errors
    } finally {
      phase.value = 'ready';
    }
  }

  /** Applies one stream chunk to the assistant message (and its user message). */
  function applier(reply: UiMessage, question: UiMessage | null, replayFrom?: string) {
    // When an answer restored from history is replayed from seq 0, keep showing the restored
    // text until the replay has caught up with it, then show exactly what the stream says.
    let text = replayFrom === undefined ? reply.text.peek() : '';
    return (chunk: UIStreamChunk) => {
      switch (chunk.type) {
        case 'start':
          reply.id.value = chunk.messageId;
          reply.status.value = 'streaming';
          if (stopRequested) void stop();
          break;
        case 'data-prex-meta':
          if (question) batch(() => {
            question.id.value = chunk.data.userMessageId;
            question.status.value = 'complete';
          });
          break;
        case 'text-delta':
          text += chunk.delta;
          if (replayFrom === undefined || text.length >= replayFrom.length) reply.text.value = text;
          reply.status.value = 'streaming';
          break;
        case 'source-url':
        case 'source-document': {
          const c = citationFromSourceChunk(chunk);
          if (!reply.sources.peek().some((s) => s.sourceId === c.sourceId)) {
            reply.sources.value = [...reply.sources.peek(), c as Citation];
          }
          break;
        }
        case 'finish':
          reply.text.value = text;
          reply.status.value = 'complete';
          break;
        case 'abort':
          reply.text.value = text;
          reply.status.value = 'stopped';
          break;
        case 'error':
          reply.text.value = text;
          reply.status.value = 'error';
          {
            const q = question ?? askedBefore(reply);
            failure.value = { message: chunk.errorText || friendly(null), retry: () => q && resend(q) };
          }
          break;
      }
    };
  }

  function askedBefore(reply: UiMessage): UiMessage | undefined {
    const list = messages.peek();
    for (let i = list.indexOf(reply) - 1; i >= 0; i--) if (list[i]!.role === 'user') return list[i];
    return undefined;
  }

  /** Runs one answer stream to its end and records how it ended. */
  async function run(reply: UiMessage, question: UiMessage | null, opts: Pick<AnswerStreamOptions, 'connect' | 'messageId' | 'lastEventId'>, replayFrom?: string) {
    begin(reply);
    try {
      const end = await readAnswerStream({
        ...stream,
        ...opts,
        signal: life.signal,
        reconnect: async (id, last, signal) => api.resume(await session(), id, last, signal),
        onChunk: applier(reply, question, replayFrom),
        onConnection: (s) => (connection.value = s),
      });
      if (end === 'done' && (reply.status.peek() === 'streaming' || reply.status.peek() === 'pending')) {
        reply.status.value = 'complete';
      }
    } catch (e) {
      if (e instanceof StreamDroppedError && e.messageId) {
        const id = e.messageId;
        reply.status.value = 'error';
        failure.value = {
          message: 'The connection was lost.',
          // A replay from 0 (restored answer) starts over; otherwise continue after the last seq.
          retry: () => void resume(reply, id, replayFrom === undefined ? e.lastEventId : 0),
        };
      } else throw e;
    } finally {
      connection.value = 'live';
      if (current.peek() === reply) current.value = null;
    }
  }

  /** Marks `reply` as the answer in progress (synchronously, so Send turns into Stop at once). */
  function begin(reply: UiMessage) {
    if (current.peek() !== reply) stopRequested = false;
    current.value = reply;
    failure.value = null;
  }

  async function resume(reply: UiMessage, messageId: string, lastEventId: number) {
    begin(reply);
    reply.status.value = 'streaming';
    const replay = lastEventId === 0 ? reply.text.peek() : undefined;
    if (lastEventId === 0) reply.sources.value = [];
    try {
      await run(reply, null, {
        messageId,
        lastEventId,
        connect: async (signal) => api.resume(await session(), messageId, lastEventId, signal),
      }, replay);
    } catch (e) {
      reply.status.value = 'error';
      failure.value = { message: friendly(e), retry: () => void resume(reply, messageId, lastEventId) };
    }
  }

  async function ask(question: UiMessage, retried401 = false): Promise<void> {
    const reply = makeMessage('assistant', '', 'pending');
    messages.value = [...messages.peek(), reply];
    begin(reply);
    try {
      const token = await session();
      await run(reply, question, { connect: (signal) => api.send(token, question.text.peek(), signal) });
    } catch (e) {
      messages.value = messages.peek().filter((m) => m !== reply);
      if (current.peek() === reply) current.value = null;
      if (e instanceof ApiError && e.status === 401 && !retried401) {
        tokens.clear();
        return ask(question, true);
      }
      question.status.value = 'error';
      failure.value = {
        message: e instanceof StreamDroppedError ? 'Your message could not be sent.' : friendly(e),
        retry: () => resend(question),
      };
    }
  }

  function resend(question: UiMessage) {
    if (busy.peek()) return;
    failure.value = null;
    // A question that never reached the server is replaced; one that did stays in the history
    // (with its failed answer) and is asked again.
    if (!question.id.peek()) messages.value = messages.peek().filter((m) => m !== question);
    void send(question.text.peek());
  }

  /** Sends a question; false if it was empty, too long or an answer is still streaming. */
  function send(raw: string): boolean {
    const text = raw.trim();
    if (!text || text.length > LIMITS.maxMessageChars || busy.peek() || life.signal.aborted) return false;
    failure.value = null;
    const question = makeMessage('user', text, 'pending');
    messages.value = [...messages.peek(), question];
    void ask(question);
    return true;
  }

  /** Stop button: the server ends the answer with `abort`, which arrives on the stream. */
  async function stop() {
    const reply = current.peek();
    if (!reply) return;
    const id = reply.id.peek();
    if (!id) {
      stopRequested = true; // sent as soon as `start` tells us the id
      return;
    }
    stopRequested = false;
    try {
      await api.stop(await session(), id);
    } catch {
      /* the stream still ends the answer, or the Retry path takes over */
    }
  }

  return {
    messages,
    theme,
    isOpen,
    phase,
    connection,
    failure,
    draft,
    busy,
    current,
    /** Loads the tenant theme and restores the conversation. */
    init: () => Promise.all([loadConfig(), restore()]).then(() => {}),
    send,
    stop,
    retry: () => failure.peek()?.retry(),
    dispose: () => life.abort(),
  };
}
