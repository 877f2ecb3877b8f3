import type { Citation, ConversationStreamEvent, ConversationSummary, Theme, ThemeOverride, UIStreamChunk, WidgetVoiceConfig } from '@prex/protocol';
import { LIMITS, citationFromSourceChunk } from '@prex/protocol/wire';
import { batch, computed, effect, signal } from '@preact/signals';
import { ApiError, type ApiClient } from './api.js';
import { createConversationTokens, type ConversationTokens } from './conversations.js';
import { stringsFor, type Strings } from './i18n/index.js';
import type { Emit } from './events.js';
import { createHandoff } from './handoff.js';
import { createIdentity } from './identity.js';
import type { TokenStore } from './session.js';
import { fromServer, makeMessage, plain, type UiMessage } from './message.js';
import { readAnswerStream, StreamDroppedError, type AnswerStreamOptions } from './stream.js';
import { loadSseParser } from './sse-parser.js';
import { resolveTheme } from './theme.js';

export type { Feedback, UiMessage, UiStatus } from './message.js';

/** A previous conversation in the history list. */
export interface Conversation extends Omit<ConversationSummary, 'index'> {
  token: string;
  current: boolean;
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
  /** UI language (boot option `locale`); default: the browser's. */
  locale?: string | undefined;
  /** The visitor's conversation tokens; default localStorage per publishable key. */
  conversations?: ConversationTokens | undefined;
}

export type Store = ReturnType<typeof createStore>;

const makeFriendly = (t: Strings) => (e: unknown): string => {
  if (e instanceof ApiError) {
    if (e.code === 'rate_limited' || e.status === 429) return t.errRate;
    if (e.code === 'forbidden_origin') return t.errOrigin;
    if (e.status >= 400 && e.status < 500 && e.message) return e.message;
  }
  return t.errGeneric;
};

export function createStore({ api, tokens, themeOverride, stream, onTheme, emit, locale, conversations: convTokens }: StoreOptions) {
  /** UI language; `update({ locale })` sets it at run time. */
  const lang = signal(locale);
  const strings = computed(() => stringsFor(lang.value));
  const friendly = (e: unknown) => makeFriendly(strings.peek())(e);
  const kept = convTokens ?? createConversationTokens(api.publishableKey);
  const messages = signal<UiMessage[]>([]);
  const theme = signal<Theme>(resolveTheme(themeOverride));
  /** The tenant's config has been asked for (answered or not): until then its greeting and title are unknown. */
  const configured = signal(false);
  /** Voice messages transcribed by the server (null: none; the microphone is the browser's alone). */
  const voice = signal<WidgetVoiceConfig>(null);
  /** False when the tenant turned voice input off: no microphone, whatever the browser can do. */
  const microphone = signal(true);
  const isOpen = signal(false);
  /** 'loading' while the previous conversation is being restored. */
  const phase = signal<'loading' | 'ready'>('ready');
  const connection = signal<'live' | 'reconnecting'>('live');
  const failure = signal<Failure | null>(null);
  const draft = signal('');
  const current = signal<UiMessage | null>(null);
  /** An answer is on its way (Send turns into Stop). */
  const busy = computed(() => current.value !== null);
  /** Answers that finished while the pane was closed (the launcher shows a badge). */
  const unread = signal(0);
  /** The last finished answer, for the polite live region (not every token is announced). */
  const announcement = signal('');
  const view = signal<'chat' | 'history' | 'account'>('chat');
  /**
   * What the account view is asked to do: show the profile (or verification), or send this
   * conversation by email. A new object per request, so asking twice acts twice.
   */
  const accountIntent = signal<{ intent: 'profile' | 'email' }>({ intent: 'profile' });
  const conversations = signal<Conversation[] | null>(null);
  /** A staff member is writing (their name, or '' without one); null when nobody is. */
  const staffTyping = signal<string | null>(null);
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** The id of the conversation's last event seen (history, then its event stream). */
  let eventCursor = 0;

  const life = new AbortController();
  /** Aborted when the visitor switches conversations (streams of the old one stop reading). */
  let conv = new AbortController();
  life.signal.addEventListener('abort', () => conv.abort());
  let sessionPromise: Promise<string> | null = null;
  let stopRequested = false;

  function session(): Promise<string> {
    const token = tokens.get();
    if (token) return Promise.resolve(token);
    sessionPromise ??= api.createSession().then(
      (s) => {
        tokens.set(s.token);
        kept.add(s.token);
        sessionPromise = null;
        void identity.send();
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
      voice.value = cfg.voice ?? null;
      microphone.value = cfg.microphone !== false;
      onTheme?.(theme.value);
    } catch {
      /* keep the defaults; the chat itself reports real problems */
    }
    configured.value = true;
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
    if (!kept.list().includes(token)) kept.add(token);
    const gone = conv.signal;
    phase.value = 'loading';
    void identity.send();
    void handoff.refresh(token);
    try {
      const h = await api.history(token);
      if (gone.aborted) return;
      eventCursor = h.eventCursor ?? 0;
      const list = h.messages.map(fromServer);
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

  /** One event of the conversation's stream: a staff reply (once, announced), staff typing, the handoff's state. */
  function onEvent(e: ConversationStreamEvent) {
    clearTimeout(typingTimer);
    staffTyping.value = null;
    if (e.type === 'staff-typing') {
      staffTyping.value = e.name ?? '';
      // Staff send it again while they write; silence means they stopped.
      typingTimer = setTimeout(() => (staffTyping.value = null), 6000);
    } else if (e.type === 'handoff') {
      if (e.status === 'open') handoff.fromStream({ status: 'open', escalationId: e.escalationId });
      else handoff.clear();
    } else if (!messages.peek().some((m) => m.id.peek() === e.message.id)) {
      const ui = fromServer(e.message);
      messages.value = [...messages.peek(), ui];
      announcement.value = `${ui.name || strings.peek().human}: ${plain(ui.text.peek())}`;
    }
  }

  /**
   * Follows the conversation's events until `signal` aborts, through the answer stream's reader:
   * a drop reconnects with the last id applied, so nothing is lost or applied twice.
   */
  function follow(signal: AbortSignal) {
    const open = async (last: number, s: AbortSignal) => api.events(await session(), last, s);
    readAnswerStream({
      ...stream,
      maxAttempts: Infinity,
      messageId: 'events',
      lastEventId: eventCursor,
      signal,
      connect: (s) => open(eventCursor, s),
      reconnect: (_id, last, s) => open(last, s),
      onChunk: (c, seq) => {
        if (seq > eventCursor) eventCursor = seq;
        onEvent(c as unknown as ConversationStreamEvent);
      },
    }).catch(() => {
      /* an older backend without the stream: staff replies show after a reload */
    });
  }

  const handoff = createHandoff({
    api,
    session,
    emit,
    fail: (e, retry) => (failure.value = { message: friendly(e), retry }),
  });

  const identity = createIdentity({ api, tokens, emit });

  /** Applies one stream chunk to the assistant message (and its user message). */
  function applier(reply: UiMessage, question: UiMessage | null, replayFrom?: string) {
    // When an answer restored from history is replayed from seq 0, keep showing the restored
    // text until the replay has caught up with it, then show exactly what the stream says.
    let text = replayFrom === undefined ? reply.text.peek() : '';
    // A person has the conversation: the message went to them and no bot answer follows.
    let toStaff = false;
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
        case 'data-prex-handoff':
          handoff.fromStream(chunk.data);
          break;
        case 'data-prex-to-staff':
          toStaff = true;
          if (question) batch(() => {
            question.id.value = chunk.data.userMessageId;
            question.status.value = 'complete';
          });
          handoff.fromStream({ status: 'open', escalationId: chunk.data.escalationId });
          break;
        case 'finish':
          batch(() => {
            reply.text.value = text;
            reply.status.value = 'complete';
            // No empty bot bubble: staff answer this one in the conversation.
            if (toStaff) messages.value = messages.peek().filter((m) => m !== reply);
          });
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
        signal: conv.signal,
        reconnect: async (id, last, signal) => api.resume(await session(), id, last, signal),
        onChunk: applier(reply, question, replayFrom),
        onConnection: (s) => (connection.value = s),
      });
      if (end === 'done' && (reply.status.peek() === 'streaming' || reply.status.peek() === 'pending')) {
        reply.status.value = 'complete';
      }
      if (end === 'done') finished(reply);
    } catch (e) {
      if (e instanceof StreamDroppedError && e.messageId) {
        const id = e.messageId;
        reply.status.value = 'error';
        failure.value = {
          message: strings.peek().errLost,
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
        message: e instanceof StreamDroppedError ? strings.peek().errNotSent : friendly(e),
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
    view.value = 'chat';
    const question = makeMessage('user', text, 'pending');
    messages.value = [...messages.peek(), question];
    handoff.asked();
    emit?.('message:sent', { text });
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

  /** An answer reached its end: tell the host page, count it if unseen, announce it. */
  function finished(reply: UiMessage) {
    // A message that went to staff has no answer of its own to announce or count.
    if (!messages.peek().includes(reply)) return;
    const status = reply.status.peek();
    if (status !== 'complete' && status !== 'stopped' && status !== 'error') return;
    emit?.('message:received', { messageId: reply.id.peek() ?? '', text: reply.text.peek(), status });
    if (status !== 'complete') return;
    if (!isOpen.peek()) unread.value++;
    announcement.value = `${strings.peek().answer}: ${plain(reply.text.peek())}`;
  }

  // Not while restoring: the stream starts after the history's last event, known once it is read.
  const staffMayReply = computed(() => handoff.state.value?.status === 'open' && isOpen.value && phase.value === 'ready');
  // Opening the pane marks everything read; the count goes to the host page (launcher badge).
  let lastUnread = 0;
  const stopEffects = [
    effect(() => {
      if (!isOpen.value) return;
      unread.value = 0;
      // The first question needs the SSE parser (a lazy chunk): fetch it while the visitor types.
      loadSseParser().catch(() => {});
    }),
    effect(() => {
      const n = unread.value;
      if (n !== lastUnread) emit?.('unread:change', { count: (lastUnread = n) });
    }),
    // Staff replies, typing and the handoff's end arrive by push while a person has the
    // conversation and the pane is open. (The effect follows "open or not", not every state object.)
    effect(() => {
      if (!staffMayReply.value) return;
      const c = new AbortController();
      follow(c.signal);
      return () => c.abort();
    }),
  ];

  async function sendFeedback(m: UiMessage, rating: 'up' | 'down', comment?: string) {
    const id = m.id.peek();
    if (!id || m.role !== 'assistant') return;
    const text = comment?.trim() || undefined;
    m.feedback.value = { rating, comment: text, state: 'saving' };
    try {
      await api.feedback(await session(), id, rating, text);
      m.feedback.value = { rating, comment: text, state: 'saved' };
    } catch {
      m.feedback.value = { rating, comment: text, state: 'failed' };
    }
  }

  /** Leaves the current conversation (it stays in the history list). */
  function reset() {
    conv.abort();
    conv = new AbortController();
    eventCursor = 0;
    batch(() => {
      staffTyping.value = null;
      handoff.clear();
      current.value = null;
      messages.value = [];
      failure.value = null;
      connection.value = 'live';
      view.value = 'chat';
      phase.value = 'ready';
    });
  }

  function newConversation() {
    reset();
    tokens.clear();
    prepareSession();
  }

  /** After "delete my data": nothing of the old conversations stays on this device. */
  function forget() {
    kept.keep([]);
    newConversation();
  }

  /** The customer's conversations from other devices join the history list (after verification). */
  function adoptConversations(list: string[]) {
    for (const token of list.slice().reverse()) if (!kept.list().includes(token)) kept.add(token);
  }

  function openConversation(token: string) {
    if (token === tokens.get()) return void (view.value = 'chat');
    reset();
    tokens.set(token);
    void restore();
  }

  /** Fetches summaries of the conversations kept on this device (history view). */
  async function loadConversations() {
    const list = kept.list();
    const now = tokens.get();
    try {
      const { conversations: found } = list.length ? await api.summaries(list) : { conversations: [] };
      kept.keep(found.map((c) => list[c.index]!));
      conversations.value = found
        .map(({ index, ...c }) => ({ ...c, token: list[index]!, current: list[index] === now }))
        .filter((c) => c.messageCount > 0 || c.current);
    } catch {
      conversations.value = [];
    }
  }

  return {
    api,
    session,
    handoff,
    identify: identity.identify,
    accountIntent,
    forget,
    adoptConversations,
    strings,
    locale: lang,
    unread,
    announcement,
    view,
    conversations,
    loadConversations,
    newConversation,
    openConversation,
    feedback: sendFeedback,
    resend,
    messages,
    staffTyping,
    theme,
    configured,
    voice,
    microphone,
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
    dispose: () => {
      life.abort();
      for (const stop of stopEffects) stop();
    },
  };
}
