import type { MessageStatus, SequencedChunk, UIStreamChunk } from '@prex/protocol';

/** Receives one answer's chunks in seq order, then `end` once the answer is persisted. */
export interface ChunkListener {
  chunk(sequenced: SequencedChunk): void;
  end(lastSeq: number): void;
}

export interface LiveAnswerInit {
  messageId: string;
  tenantId: string;
  sessionId: string;
  userMessageId: string;
}

/**
 * One answer while it runs: its chunk log (seq from 1) and whoever is listening. Everything here
 * is synchronous, so replaying the log and joining the listeners happen in the same tick: a
 * subscriber can neither miss a chunk nor see one twice.
 */
export class LiveAnswer {
  readonly messageId: string;
  readonly tenantId: string;
  readonly sessionId: string;
  readonly userMessageId: string;
  /** Aborted by stop (or shutdown); the run watches it. */
  readonly controller = new AbortController();
  private readonly log: SequencedChunk[] = [];
  private readonly listeners = new Set<ChunkListener>();
  private text = '';
  private ended = false;
  private storedFinal = false;
  private resolveSettled!: (status: MessageStatus) => void;
  /** Resolves with the final status once the answer is persisted. */
  readonly settled = new Promise<MessageStatus>((resolve) => (this.resolveSettled = resolve));

  constructor(init: LiveAnswerInit) {
    this.messageId = init.messageId;
    this.tenantId = init.tenantId;
    this.sessionId = init.sessionId;
    this.userMessageId = init.userMessageId;
  }

  get lastSeq(): number {
    return this.log.length;
  }

  /** The text streamed so far (for history while the answer is still running). */
  get textSoFar(): string {
    return this.text;
  }

  get chunks(): readonly UIStreamChunk[] {
    return this.log.map((s) => s.chunk);
  }

  /** Logs a chunk under the next seq and delivers it to every listener. */
  append(chunk: UIStreamChunk): SequencedChunk {
    if (this.ended) throw new Error(`answer ${this.messageId} already ended`);
    const sequenced = { seq: this.log.length + 1, chunk };
    this.log.push(sequenced);
    if (chunk.type === 'text-delta') this.text += chunk.delta;
    for (const listener of this.listeners) listener.chunk(sequenced);
    return sequenced;
  }

  /** Replays chunks with seq > afterSeq, then delivers new ones; returns the unsubscribe function. */
  subscribe(afterSeq: number, listener: ChunkListener): () => void {
    for (const sequenced of this.log.slice(afterSeq)) listener.chunk(sequenced);
    if (this.ended) {
      listener.end(this.lastSeq);
      return () => undefined;
    }
    // A cursor ahead of the log (a client's bogus Last-Event-ID) must not receive seqs it claims to have.
    const filtered: ChunkListener = {
      chunk: (sequenced) => {
        if (sequenced.seq > afterSeq) listener.chunk(sequenced);
      },
      end: (lastSeq) => listener.end(lastSeq),
    };
    this.listeners.add(filtered);
    return () => this.listeners.delete(filtered);
  }

  /** True once ended with its final state committed (then its chunk log needs no last batch). */
  get finalStored(): boolean {
    return this.storedFinal;
  }

  /** Called after the answer is persisted (`stored`: its final write committed): listeners finish their streams. */
  end(status: MessageStatus, stored = false): void {
    if (this.ended) return;
    this.ended = true;
    this.storedFinal = stored;
    for (const listener of this.listeners) listener.end(this.lastSeq);
    this.listeners.clear();
    this.resolveSettled(status);
  }
}

/**
 * The in-memory registry of answers being streamed by this process. Finished answers leave it
 * after they are persisted; from then on resumes are served from the database's event log.
 */
export class AnswerHub {
  private readonly answers = new Map<string, LiveAnswer>();
  /** Sessions with an answer starting or streaming: one answer at a time per session. */
  private readonly busySessions = new Set<string>();

  private static sessionKey(tenantId: string, sessionId: string): string {
    return `${tenantId}\u0000${sessionId}`;
  }

  /** Claims the session for a new answer; false when one is already starting or streaming. */
  reserveSession(tenantId: string, sessionId: string): boolean {
    const key = AnswerHub.sessionKey(tenantId, sessionId);
    if (this.busySessions.has(key)) return false;
    this.busySessions.add(key);
    return true;
  }

  releaseSession(tenantId: string, sessionId: string): void {
    this.busySessions.delete(AnswerHub.sessionKey(tenantId, sessionId));
  }

  add(init: LiveAnswerInit): LiveAnswer {
    const answer = new LiveAnswer(init);
    this.answers.set(answer.messageId, answer);
    return answer;
  }

  /** The live answer, only when it belongs to this tenant's session. */
  get(messageId: string, scope?: { tenantId: string; sessionId: string }): LiveAnswer | undefined {
    const answer = this.answers.get(messageId);
    if (!answer || (scope && (answer.tenantId !== scope.tenantId || answer.sessionId !== scope.sessionId))) return undefined;
    return answer;
  }

  /** Ends the answer's streams and forgets it; call after it is persisted (`stored`: the final write committed). */
  finish(answer: LiveAnswer, status: MessageStatus, opts: { stored?: boolean } = {}): void {
    this.answers.delete(answer.messageId);
    this.releaseSession(answer.tenantId, answer.sessionId);
    answer.end(status, opts.stored ?? false);
  }

  /**
   * Replays the live answer's chunks after `afterSeq`, then delivers new ones until it ends.
   * Undefined when the answer is not live here (finished answers are served from the database).
   */
  subscribe(messageId: string, afterSeq: number, listener: ChunkListener): (() => void) | undefined {
    return this.answers.get(messageId)?.subscribe(afterSeq, listener);
  }

  all(): LiveAnswer[] {
    return [...this.answers.values()];
  }

  get size(): number {
    return this.answers.size;
  }
}
