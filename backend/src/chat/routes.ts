import type { Response } from 'express';
import {
  ROUTES,
  isPrexMessageId,
  chatIdSchema,
  historyQuerySchema,
  sendMessageRequestSchema,
  type ChatMessage,
  type HistoryResponse,
  type MessageStatus,
  type SequencedChunk,
  type StopResponse,
  type UIStreamChunk,
} from '@prex/protocol';
import type { Agent } from '../agents/agent.js';
import type { Config } from '../config.js';
import type { CustomerProfile } from '../customers/profile.js';
import type { Db } from '../db/db.js';
import type { Feature } from '../feature.js';
import type { Routes } from '../http/route-group.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { ModelGateway } from '../model/gateway.js';
import { createMemoryBus, type ConversationBus } from '../bus/index.js';
import { sessionOf, tenantOf } from '../auth/context.js';
import { conflict, HttpError, notFound } from '../http/errors.js';
import { parseCursor } from '../http/cursor.js';
import { parseInput, parseJsonBody } from '../http/validate.js';
import { lastConversationEventSeq } from '../conversations/event-log.js';
import { announceInboxChange, touchConversation, type ConversationChange } from '../conversations/working-state.js';
import { openEscalationOfSession } from '../handoff/repository.js';
import type { Answerer, PriorTurn } from '../llm/answerer.js';
import { createAnswerer } from '../llm/index.js';
import { persistAsItStreams } from './answer-log.js';
import { AnswerHub, LiveAnswer } from './hub.js';
import { followRemoteAnswer, RemoteAnswer, stopRemoteAnswer } from './remote-answer.js';
import { finishedTail } from './stored-tail.js';
import { chatConversation, chatConversationOfMessage, findChatConversation } from '../conversations/sdk-chats.js';
import {
  findSessionMessage,
  insertAssistantMessage,
  insertQuestionAndAnswer,
  insertUserMessage,
  deleteFinishedAnswer,
  isOtherAnswerOfSession,
  lastTurn,
  listSessionMessages,
  streamingAnswerOfSession,
  recentTurns,
  settleInterruptedAnswer,
  toChatMessage,
  type MessageSummary,
  type StoredMessage,
} from '../conversations/messages.js';
import { ANSWER_FAILED_TEXT, retrievePassages, runAnswer, STOP_REASON, type RunInput, type SearchFn } from './run-answer.js';
import { openTurn, type TurnTrace } from '../telemetry/spans.js';
import { defaultSeams, type AnsweringSeams } from './seams.js';
import { SseResponse } from '../http/sse.js';

export interface ChatFeatureDeps {
  config: Config;
  db: Db;
  log: Logger;
  routes: Routes;
  /** Where instances tell each other about answers (progress, end, stop); in memory by default. */
  bus?: ConversationBus;
  /** Every model call of an answer and of its label goes through it; null: no model configured. */
  gateway: ModelGateway | null;
  /** Defaults to createAnswerer (the model through the gateway, else extractive); tests and benches pass their own. */
  answerer?: Answerer;
  /** The knowledge base's search (app.ts's Retrieval); tests and benches may pass their own. */
  search: SearchFn;
  /** The other features an answer composes (agents, tools, handoff, usage, classifier, customers); defaults are the real ones. */
  seams?: Partial<AnsweringSeams>;
  /** Open streams and answer latencies. */
  metrics?: Metrics;
}

export interface ChatFeature extends Feature {
  /** Stops live answers (persisted as 'stopped'), ends open streams. */
  stop(): Promise<void>;
  /** The live-answer registry (exposed for diagnostics and tests). */
  hub: AnswerHub;
  /**
   * Another channel's question (SMS, the channels API): stored and answered by the same pipeline as
   * the widget's, with the named agent or the tenant's default (an unknown name is a 404). Resolves once the answer is started; `settled` tells when it is
   * stored. Rejects with a 409 while another answer of the session streams.
   */
  answer(scope: Scope, text: string, agentName?: string): Promise<LiveAnswer>;
}

type Scope = { tenantId: string; sessionId: string };

/** How long a stop request waits for the answer to be persisted before replying. */
const STOP_WAIT_MS = 5_000;
/** Prior messages loaded as conversation context; the answerer keeps those within the token budget. */
const HISTORY_MESSAGES = 40;

function scopeOf(res: Response): Scope {
  return { tenantId: tenantOf(res).id, sessionId: sessionOf(res).sessionId };
}

/** A stored chunk log as the stream sends it; seq is the 1-based position. */
function sequence(events: readonly UIStreamChunk[]): SequencedChunk[] {
  return events.map((chunk, i) => ({ seq: i + 1, chunk }));
}

/** The visitor's chat: send a message and stream the answer, resume it, stop it, read the history. */
export function createChatFeature(deps: ChatFeatureDeps): ChatFeature {
  const { config, db, log } = deps;
  const hub = new AnswerHub();
  const answerer = deps.answerer ?? createAnswerer({ config, gateway: deps.gateway, log });
  const { search } = deps;
  const seams = defaultSeams({ config, db, log, gateway: deps.gateway }, deps.seams);
  const bus = deps.bus ?? createMemoryBus();
  const openStreams = new Set<SseResponse>();
  const runs = new Set<Promise<unknown>>();
  let closing = false;
  const routes = deps.routes.visitor();
  /** The staff inbox's view of the conversation (its state and the tenant's live list). */
  const touch = (scope: Scope, change: ConversationChange) => touchConversation({ db, log, bus }, scope, change);

  function openSse(res: Response): SseResponse {
    const sse = new SseResponse(res, config.heartbeatMs).open();
    openStreams.add(sse);
    deps.metrics?.openStreams.inc();
    sse.onClose(() => {
      openStreams.delete(sse);
      deps.metrics?.openStreams.dec();
    });
    return sse;
  }

  /** Pipes a live answer's chunks after `afterSeq` into the response until [DONE] or the client leaves. */
  function streamLive(res: Response, live: LiveAnswer, afterSeq: number): void {
    const sse = openSse(res);
    const unsubscribe = live.subscribe(afterSeq, { chunk: (c) => sse.writeChunk(c), end: (last) => sse.done(last) });
    sse.onClose(unsubscribe);
  }

  /** Follows an answer streaming on another instance, through the database and the bus. */
  function followRemote(res: Response, answer: RemoteAnswer, afterSeq: number): void {
    const scope = { tenantId: answer.message.tenantId, messageId: answer.messageId };
    const settleIfAbandoned = async () => Boolean(await settleInterruptedAnswer(db, scope, ANSWER_FAILED_TEXT));
    followRemoteAnswer({ db, bus, settleIfAbandoned }, openSse(res), answer, afterSeq);
  }

  /** Serves a finished answer from its stored event log. */
  function streamStored(res: Response, message: StoredMessage, afterSeq: number): void {
    const sse = openSse(res);
    const tail = finishedTail(message.events, afterSeq);
    for (const chunk of tail) sse.writeChunk(chunk);
    sse.done(tail.at(-1)?.seq ?? message.events.length);
  }


  /**
   * The assistant message as it stands: live in this process; streaming on another instance (its
   * lease holds); or finished in the database. A row still 'streaming' whose lease ran out was left
   * by an instance that died: it is settled now, keeping the text already stored.
   */
  async function currentAnswer(scope: Scope, messageId: string): Promise<LiveAnswer | RemoteAnswer | StoredMessage> {
    const live = hub.get(messageId, scope);
    if (live) return live;
    const stored = await findSessionMessage(db, { ...scope, messageId });
    if (!stored || stored.role !== 'assistant') throw notFound(`No answer ${messageId} in this session`);
    if (stored.status !== 'streaming') return stored;
    const settled = await settleInterruptedAnswer(db, { tenantId: stored.tenantId, messageId }, ANSWER_FAILED_TEXT);
    if (settled) {
      log.warn('settled an answer whose instance stopped streaming it', { messageId });
      return settled;
    }
    const now = await findSessionMessage(db, { ...scope, messageId });
    return now && now.status !== 'streaming' ? now : new RemoteAnswer(stored);
  }


  /** Starts the answer in the background; the HTTP request only watches it. */
  function startRun(live: LiveAnswer, input: RunInput, turn: TurnTrace): void {
    persistAsItStreams({ db, bus, log }, live);
    const run = runAnswer({ db, hub, answerer, search, log, seams, metrics: deps.metrics }, live, input)
      .then(
        (status) => turn.end(status),
        (error: unknown) => {
          turn.fail(error);
          log.error('answer run crashed', { messageId: live.messageId, error: String(error) });
        },
      )
      .then(() => touch(live, 'bot-answer'));
    runs.add(run);
    void run.finally(() => runs.delete(run));
  }

  /** The turn an answer starts from: the question (stored now, or already), its history, and the empty answer row. */
  type Turn = Omit<RunInput, 'agent'> & { questionId: string; answerId: string };

  /**
   * Starts an answer in the session: one at a time per session, `storeTurn` writing the rows (both
   * or neither), then the run in the background. `agent` is resolved first: an unknown one is a
   * 404 before anything is stored.
   */
  async function beginAnswer(scope: Scope, agent: Agent | Promise<Agent>, storeTurn: (agent: Agent) => Promise<Turn>): Promise<LiveAnswer> {
    const resolved = await agent;
    if (!hub.reserveSession(scope.tenantId, scope.sessionId)) {
      throw conflict('An answer is still streaming in this session: wait for it to finish or stop it first');
    }
    return openTurn({ tenantId: scope.tenantId, agentId: resolved.id }, async (turn) => {
      try {
        const { questionId, answerId, ...input } = await storeTurn(resolved);
        turn.answer(answerId);
        const live = hub.add({ messageId: answerId, ...scope, userMessageId: questionId });
        // Shutdown began while we were writing: the answer starts already stopped rather than outliving the server.
        if (closing) live.controller.abort(STOP_REASON.shutdown);
        startRun(live, { ...input, agent: resolved }, turn);
        return live;
      } catch (error) {
        hub.releaseSession(scope.tenantId, scope.sessionId);
        turn.fail(error);
        throw error;
      }
    });
  }

  /** What a new question's answer needs from the database before anything is stored. */
  type TurnReads = { agent: Agent; history: PriorTurn[]; customer: Promise<CustomerProfile | null> | undefined };

  /**
   * The turn's reads, all at once (one round trip on a pool of connections): the agent (an unknown
   * one is a 404), the conversation so far, and the customer when a model will see them (the run
   * awaits that one).
   */
  async function readTurn(scope: Scope, agentName: string | undefined): Promise<TurnReads> {
    const customer = answerer.kind === 'llm' ? seams.customerOfSession(db, scope.tenantId, scope.sessionId) : undefined;
    customer?.catch(() => undefined);
    const [agent, history] = await Promise.all([seams.resolveAgent(db, scope.tenantId, agentName), recentTurns(db, scope, HISTORY_MESSAGES)]);
    return { agent, history, customer };
  }

  /**
   * A new question's answer: the question and the empty answer row in one statement while
   * retrieval starts beside it. The inboxes hear of the question in the background: the answer's
   * first words do not wait for the bus.
   */
  function createAnswer(scope: Scope, text: string, { agent, history, customer }: TurnReads, imageHosts?: readonly string[]): Promise<LiveAnswer> {
    return beginAnswer(scope, agent, async () => {
      const retrieved = retrievePassages({ db, search }, scope.tenantId, { question: text, history, agent });
      // Not awaited when the rows cannot be stored.
      retrieved.catch(() => undefined);
      const { user, assistant } = await insertQuestionAndAnswer(db, { ...scope, text, agentId: agent.id });
      void announceInboxChange({ bus, log }, scope);
      return { question: text, questionId: user.id, history, answerId: assistant.id, retrieved, customer, imageHosts };
    });
  }

  /**
   * The AI SDK's regenerate(): the conversation's last question is answered again and its previous
   * answer removed, so history holds the question once and one answer to it.
   */
  function regenerateAnswer(scope: Scope, agentName: string | undefined, namedId: string | undefined, imageHosts?: readonly string[]): Promise<LiveAnswer> {
    return beginAnswer(scope, seams.resolveAgent(db, scope.tenantId, agentName), async (agent) => {
      const { question, answer } = await lastTurn(db, scope);
      if (!question) throw conflict('Nothing to regenerate: this chat has no question yet; send one instead');
      // Streaming on another instance (this one's would have failed the reservation above).
      if (answer?.status === 'streaming') throw conflict('The answer is still streaming: stop it or wait for it before regenerating');
      // The SDK names the message regenerate() was given: only the last answer can be replaced.
      if (namedId && (await isOtherAnswerOfSession(db, { ...scope, messageId: namedId, exceptId: answer?.id }))) {
        throw conflict(`Only the last answer can be regenerated; ${namedId} is an earlier one`);
      }
      const assistant = await db.transaction(async (tx) => {
        if (answer) await deleteFinishedAnswer(tx, { ...scope, messageId: answer.id });
        return insertAssistantMessage(tx, { ...scope, agentId: agent.id });
      });
      // History up to, not including, the question being answered again.
      const turns = await recentTurns(db, scope, HISTORY_MESSAGES + 1);
      const history = turns.at(-1)?.role === 'user' ? turns.slice(0, -1) : turns;
      await touch(scope, 'visitor-message');
      return { question: question.text, questionId: question.id, history: history.slice(-HISTORY_MESSAGES), answerId: assistant.id, imageHosts };
    });
  }

  /** The conversation a request speaks in: the chat's own for the AI SDK's chat id, else the token's. */
  async function conversationScope(res: Response, chatId: string | undefined): Promise<Scope> {
    const scope = scopeOf(res);
    if (chatId === undefined) return scope;
    return { tenantId: scope.tenantId, sessionId: await chatConversation(db, { tenantId: scope.tenantId, ownerSessionId: scope.sessionId, chatId }) };
  }

  routes.post(ROUTES.chat, async (req, res) => {
    if (closing) throw new HttpError(503, 'internal', 'The server is shutting down; try again in a moment');
    const body = parseJsonBody(sendMessageRequestSchema, req, 'message');
    const scope = await conversationScope(res, body.chatId);
    if (body.regenerate) {
      if (await openEscalationOfSession(db, scope.tenantId, scope.sessionId)) {
        throw conflict('A person has this conversation: answers cannot be regenerated until they resolve it');
      }
      return streamLive(res, await regenerateAnswer(scope, body.agent, body.regenerate.messageId, tenantOf(res).imageHosts), 0);
    }
    // Whether a person has the conversation is read beside the turn's reads; it wins over their errors (an unknown agent).
    const [withStaff, reads] = await Promise.allSettled([openEscalationOfSession(db, scope.tenantId, scope.sessionId), readTurn(scope, body.agent)]);
    if (withStaff.status === 'rejected') throw withStaff.reason;
    if (withStaff.value) return sendToStaff(res, scope, body.text, withStaff.value.id);
    if (reads.status === 'rejected') throw reads.reason;
    streamLive(res, await createAnswer(scope, body.text, reads.value, tenantOf(res).imageHosts), 0);
  });

  /**
   * While a person has the conversation, the visitor's message is theirs: it is stored for staff
   * and the bot stays silent (no model call, no extractive answer). The stream says so and ends;
   * the bot answers again once staff resolve the escalation.
   */
  async function sendToStaff(res: Response, scope: Scope, text: string, escalationId: string): Promise<void> {
    const user = await insertUserMessage(db, { ...scope, text });
    await touch(scope, 'visitor-message');
    const sse = openSse(res);
    const chunks: UIStreamChunk[] = [
      { type: 'start', messageId: user.id },
      { type: 'data-prex-to-staff', data: { userMessageId: user.id, escalationId } },
      { type: 'finish', finishReason: 'stop' },
    ];
    for (const chunk of sequence(chunks)) sse.writeChunk(chunk);
    sse.done(chunks.length);
  }

  routes.get(ROUTES.resume, async (req, res) => {
    const afterSeq = parseCursor(req);
    const id = String(req.params.messageId);
    if (!isPrexMessageId(id)) return resumeChat(res, parseInput(chatIdSchema, id, 'chat id'), afterSeq);
    const answer = await currentAnswer(await messageScope(res, id), id);
    if (answer instanceof LiveAnswer) streamLive(res, answer, afterSeq);
    else if (answer instanceof RemoteAnswer) followRemote(res, answer, afterSeq);
    else streamStored(res, answer, afterSeq);
  });

  /** Where a message of this token lives: the token's conversation, or one of its AI SDK chats. */
  async function messageScope(res: Response, messageId: string): Promise<Scope> {
    const owner = scopeOf(res);
    const chatSessionId = await chatConversationOfMessage(db, { tenantId: owner.tenantId, ownerSessionId: owner.sessionId, messageId });
    return chatSessionId ? { tenantId: owner.tenantId, sessionId: chatSessionId } : owner;
  }

  /** The chat's conversation, only if this session token has used the chat. */
  async function existingChatScope(res: Response, chatId: string): Promise<Scope | undefined> {
    const owner = scopeOf(res);
    const sessionId = await findChatConversation(db, { tenantId: owner.tenantId, ownerSessionId: owner.sessionId, chatId });
    return sessionId ? { tenantId: owner.tenantId, sessionId } : undefined;
  }

  /**
   * useChat's resume (GET {api}/{chatId}/stream): the chat's answer while it streams, replayed from
   * its start as the SDK expects; 204 when nothing streams, including a chat this token never used
   * (another session's or tenant's chat id looks exactly like that).
   */
  async function resumeChat(res: Response, chatId: string, afterSeq: number): Promise<void> {
    const scope = await existingChatScope(res, chatId);
    const streamingId = scope && (await streamingAnswerOfSession(db, scope));
    const answer = scope && streamingId ? await currentAnswer(scope, streamingId) : undefined;
    if (answer instanceof LiveAnswer) streamLive(res, answer, afterSeq);
    else if (answer instanceof RemoteAnswer) followRemote(res, answer, afterSeq);
    else res.status(204).end();
  }

  routes.post(ROUTES.stop, async (req, res) => {
    const messageId = String(req.params.messageId);
    const answer = await currentAnswer(await messageScope(res, messageId), messageId);
    const status = answer instanceof RemoteAnswer ? await stopRemoteAnswer({ db, bus }, answer, STOP_WAIT_MS) : await stopAndWait(answer);
    const body: StopResponse = { messageId, status };
    res.json(body);
  });

  routes.get(ROUTES.history, async (req, res) => {
    const { chatId } = parseInput(historyQuerySchema, req.query, 'query');
    const scope = chatId === undefined ? scopeOf(res) : await existingChatScope(res, chatId);
    if (!scope) throw notFound(`No chat ${chatId} in this session`);
    // Read first: every event up to it is in the messages read after, so the widget's event
    // stream opened after it misses nothing (and may repeat a message, which it ignores).
    const eventCursor = await lastConversationEventSeq(db, scope);
    const stored = await listSessionMessages(db, scope);
    const messages: ChatMessage[] = [];
    for (const message of stored) messages.push(await historyEntry(scope, message));
    const body: HistoryResponse = { sessionId: scope.sessionId, messages, eventCursor };
    res.json(body);
  });

  /** A message for history; an answer still streaming shows its text so far. */
  async function historyEntry(scope: Scope, message: MessageSummary): Promise<ChatMessage> {
    if (message.role !== 'assistant' || message.status !== 'streaming') return toChatMessage(message);
    const current = await currentAnswer(scope, message.id);
    if (current instanceof LiveAnswer) return { ...toChatMessage(message), text: current.textSoFar, status: 'streaming', sources: [] };
    if (current instanceof RemoteAnswer) return { ...toChatMessage(current.message), status: 'streaming', sources: [] };
    return toChatMessage(current);
  }

  async function shutdown(): Promise<void> {
    closing = true;
    for (const live of hub.all()) live.controller.abort(STOP_REASON.shutdown);
    await Promise.allSettled([...runs]);
    for (const sse of [...openStreams]) sse.end();
  }

  async function answerFromChannel(scope: Scope, text: string, agentName?: string): Promise<LiveAnswer> {
    if (closing) throw new HttpError(503, 'internal', 'The server is shutting down; try again in a moment');
    return createAnswer(scope, text, await readTurn(scope, agentName));
  }

  return { publicRoutes: routes.router, stop: shutdown, hub, answer: answerFromChannel };
}

/** Stops a live answer and waits (bounded) until it is persisted; a finished one just reports its status. */
async function stopAndWait(answer: LiveAnswer | StoredMessage): Promise<MessageStatus> {
  if (!(answer instanceof LiveAnswer)) return answer.status;
  answer.controller.abort(STOP_REASON.user);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<MessageStatus>((resolve) => (timer = setTimeout(() => resolve('streaming'), STOP_WAIT_MS)));
  try {
    return await Promise.race([answer.settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
