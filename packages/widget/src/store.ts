import type { Citation, Theme, ThemeOverride, UIStreamChunk, WidgetVoiceConfig } from '@prex/protocol';
import { LIMITS } from '@prex/protocol/wire';
import { emptyAnswer, reduceAnswerChunk, type AnswerState } from '@prex/protocol/client';
import { batch, computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { ApiError, type ApiClient } from './api.js';
import { createConversationTokens, type ConversationTokens } from './conversations.js';
import { stringsFor, type Strings } from './i18n/index.js';
import type { Emit } from './events.js';
import { createHandoff } from './handoff.js';
import { sendFeedback } from './feedback.js';
import { createHistoryList } from './history-list.js';
import { createIdentity } from './identity.js';
import { createLiveMarker, unseenReplies, type LiveMarker } from './live-marker.js';
import type { TokenStore } from './session.js';
import { fromServer, makeMessage, plain, type UiMessage } from './message.js';
import { createStaffEvents } from './staff-events.js';
import { readAnswerStream, StreamDroppedError, type AnswerStreamOptions } from './stream.js';
import { loadAnswerReader } from './answer-reader.js';
import { resolveTheme } from './theme.js';
import { createVisitorSession } from './visitor-session.js';

export type { Feedback, UiMessage, UiStatus } from './message.js';
export type { Conversation } from './history-list.js';

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
  /** "A person has the conversation" for the launcher of the next page; default localStorage per publishable key. */
  live?: LiveMarker | undefined;
}

export type Store = ReturnType<typeof createStore>;

/** A signal as the components see it: read-only (the store's actions write it). */
type RO<S> = S extends Signal<infer V> ? ReadonlySignal<V> : never;

const makeFriendly = (t: Strings) => (e: unknown): string => {
  if (e instanceof ApiError) {
    if (e.code === 'rate_limited' || e.status === 429) return t.errRate;
    if (e.code === 'forbidden_origin') return t.errOrigin;
    if (e.status >= 400 && e.status < 500 && e.message) return e.message;
  }
  return t.errGeneric;
};

export function createStore({ api, tokens, themeOverride, stream, onTheme, emit, locale, conversations: convTokens, live: liveMarker }: StoreOptions) {
  /** UI language; `update({ locale })` sets it at run time. */
  const lang = signal(locale);
  const strings = computed(() => stringsFor(lang.value));
  const friendly = (e: unknown) => makeFriendly(strings.peek())(e);
  const kept = convTokens ?? createConversationTokens(api.publishableKey);
  const live = liveMarker ?? createLiveMarker(api.publishableKey);
  const messages = signal<UiMessage[]>([]);
  const theme = signal<Theme>(resolveTheme(themeOverride));
  /** The tenant's config has been asked for (answered or not): until then its greeting and title are unknown. */
  const configured = signal(false);
  /** Voice messages transcribed by the server (null: none; the microphone is the browser's alone). */
  const voice = signal<WidgetVoiceConfig>(null);
  /** Hosts whose Markdown images answers show (the tenant's setting); none until the config arrives. */
  const imageHosts = signal<string[]>([]);
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
  const history = createHistoryList(api, tokens, kept);

  const life = new AbortController();
  /** Aborted when the visitor switches conversations (streams of the old one stop reading). */
  let conv = new AbortController();
  life.signal.addEventListener('abort', () => conv.abort());
  let stopRequested = false;
  const session = createVisitorSession(api, tokens, kept, () => void identity.send());

  async function loadConfig() {
    try {
      const cfg = await api.config();
      theme.value = resolveTheme(cfg.theme, themeOverride);
      voice.value = cfg.voice ?? null;
      imageHosts.value = cfg.imageHosts ?? [];
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
    // No conversation (a log-out cleared it): nobody has one, so no launcher should load the pane for it.
    if (!token) return live.clear(), prepareSession();
    if (!kept.list().includes(token)) kept.add(token);
    const gone = conv.signal;
    phase.value = 'loading';
    void identity.send();
    // No person has it (any more): the next page's launcher need not load the pane.
    void handoff.refresh(token).then((open) => open || live.clear());
    try {
      const h = await api.history(token);
      if (gone.aborted) return;
      staffEvents.setCursor(h.eventCursor ?? 0);
      const list = h.messages.map(fromServer);
      messages.value = list;
      // The team's replies since the visitor last looked (on another page, or with no page open).
      const seen = live.seen();
      if (seen !== null && !isOpen.peek()) unread.value += unseenReplies(list, seen);
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

  const handoff = createHandoff({
    api,
    session,
    emit,
    fail: (e, retry) => (failure.value = { message: friendly(e), retry }),
  });

  const identity = createIdentity({ api, tokens, emit });

  const staffEvents = createStaffEvents({
    api,
    session,
    handoff,
    stream,
    has: (id) => messages.peek().some((m) => m.id.peek() === id),
    append: (ui) => {
      messages.value = [...messages.peek(), ui];
      // A person's reply while the pane is closed: the launcher's badge counts it.
      if (!isOpen.peek()) unread.value++;
      announcement.value = `${ui.name || strings.peek().human}: ${plain(ui.text.peek())}`;
    },
  });

  /**
   * Applies one stream chunk to the assistant message (and its user message): the protocol's
   * reducer says what the answer is now; this shows it and does what the pane does about it.
   */
  function applier(reply: UiMessage, question: UiMessage | null, replayFrom?: string) {
    // When an answer restored from history is replayed from seq 0, keep showing the restored
    // text until the replay has caught up with it, then show exactly what the stream says.
    let answer: AnswerState = { ...emptyAnswer, text: replayFrom === undefined ? reply.text.peek() : '', citations: reply.sources.peek() };
    const confirmQuestion = () =>
      question &&
      batch(() => {
        question.id.value = answer.userMessageId;
        question.status.value = 'complete';
      });
    return (chunk: UIStreamChunk) => {
      answer = reduceAnswerChunk(answer, chunk);
      const { text, status } = answer;
      switch (chunk.type) {
        case 'start':
          reply.id.value = answer.messageId;
          reply.status.value = status;
          if (stopRequested) void stop();
          break;
        case 'data-prex-meta':
          confirmQuestion();
          break;
        case 'text-delta':
          if (replayFrom === undefined || text.length >= replayFrom.length) reply.text.value = text;
          reply.status.value = status;
          break;
        case 'source-url':
        case 'source-document':
          reply.sources.value = answer.citations as Citation[];
          break;
        case 'data-prex-handoff':
          handoff.fromStream(chunk.data);
          break;
        case 'data-prex-to-staff':
          // A person has the conversation: the message went to them and no bot answer follows.
          confirmQuestion();
          handoff.fromStream({ status: 'open', escalationId: chunk.data.escalationId });
          break;
        case 'finish':
        case 'abort':
        case 'error':
          batch(() => {
            reply.text.value = text;
            reply.status.value = status;
            // No empty bot bubble: staff answer this one in the conversation.
            if (chunk.type === 'finish' && answer.toStaff) messages.value = messages.peek().filter((m) => m !== reply);
          });
          if (chunk.type === 'error') {
            const q = question ?? askedBefore(reply);
            failure.value = { message: answer.errorText || friendly(null), retry: () => q && resend(q) };
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
  const staffMayReply = computed(() => handoff.state.value?.status === 'open' && phase.value === 'ready');
  // Opening the pane marks everything read; the count goes to the host page (launcher badge).
  let lastUnread = 0;
  let wasLive = false;
  const stopEffects = [
    effect(() => {
      if (!isOpen.value) return;
      unread.value = 0;
      // The first question needs the answer reader (a lazy chunk): fetch it while the visitor types.
      loadAnswerReader().catch(() => {});
    }),
    effect(() => {
      const n = unread.value;
      if (n !== lastUnread) emit?.('unread:change', { count: (lastUnread = n) });
    }),
    // Staff replies, typing and the handoff's end arrive by push while a person has the
    // conversation, the pane open or closed (a reply while closed counts on the launcher's badge).
    // (The effect follows "a person has it or not", not every state object.)
    effect(() => {
      if (!staffMayReply.value) return;
      const c = new AbortController();
      staffEvents.follow(c.signal);
      return () => c.abort();
    }),
    // While a person has it, the launcher of every next page loads the pane to hear them; what the
    // visitor has seen is what the open pane showed (see live-marker.ts).
    effect(() => {
      if (!staffMayReply.value) return;
      const list = messages.value;
      if (isOpen.value || live.seen() === null) live.mark(list);
    }),
    effect(() => {
      const open = handoff.state.value?.status === 'open';
      if (wasLive && !open) live.clear();
      wasLive = open;
    }),
  ];

  /** Leaves the current conversation (it stays in the history list). */
  function reset() {
    conv.abort();
    conv = new AbortController();
    batch(() => {
      staffEvents.clear();
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

  function openConversation(token: string) {
    if (token === tokens.get()) return void (view.value = 'chat');
    reset();
    tokens.set(token);
    void restore();
  }

  // Components read the state and change it through the actions below: each signal has one
  // writer here (or in its concern's module), so a change can be traced to a named action.
  return {
    api,
    session,
    handoff,
    identify: identity.identify,
    accountIntent: accountIntent as RO<typeof accountIntent>,
    forget,
    adoptConversations: history.adopt,
    strings,
    locale: lang,
    unread: unread as RO<typeof unread>,
    announcement: announcement as RO<typeof announcement>,
    view: view as RO<typeof view>,
    conversations: history.list,
    loadConversations: history.load,
    newConversation,
    openConversation,
    feedback: (m: UiMessage, rating: 'up' | 'down', comment?: string) => sendFeedback(api, session, m, rating, comment),
    resend,
    messages: messages as RO<typeof messages>,
    staffTyping: staffEvents.typing,
    theme: theme as RO<typeof theme>,
    configured: configured as RO<typeof configured>,
    voice: voice as RO<typeof voice>,
    imageHosts: imageHosts as RO<typeof imageHosts>,
    microphone: microphone as RO<typeof microphone>,
    isOpen: isOpen as RO<typeof isOpen>,
    phase: phase as RO<typeof phase>,
    connection: connection as RO<typeof connection>,
    failure: failure as RO<typeof failure>,
    draft: draft as RO<typeof draft>,
    busy,
    current: current as RO<typeof current>,
    /** Shows a view of the pane; the account view may be asked to do something (show the profile, email this conversation). */
    show: (to: 'chat' | 'history' | 'account', intent?: 'profile' | 'email') =>
      batch(() => {
        if (intent) accountIntent.value = { intent };
        view.value = to;
      }),
    setDraft: (text: string) => void (draft.value = text),
    /** A message that did not come from an answer stream (an uploaded file). */
    append: (m: UiMessage) => void (messages.value = [...messages.peek(), m]),
    setOpen: (open: boolean) => void (isOpen.value = open),
    setTheme: (t: Theme) => void (theme.value = t),
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
