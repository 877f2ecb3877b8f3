import { uiStreamChunkSchema } from '@prex/protocol';
import { emptyAnswer, readAnswerStream, reduceAnswer, type AnswerState } from '@prex/protocol/client';
import type { HandoffStatus } from './agent-eval-file.js';

/**
 * One turn of `prex eval agent` as the judge sees it. The stream is read by the protocol's client
 * (the widget's reader and reducer), accumulated across reconnects; this file only says what the
 * judge takes from it.
 */

/** What one turn produced, as the judge needs it. */
export interface TurnOutcome {
  text: string;
  sources: CitedSource[];
  /** Every handoff status the stream announced, in order. */
  handoff: HandoffStatus[];
  grounded: boolean | undefined;
  agent: string | undefined;
  /** Set when the turn produced no complete answer (HTTP error, stream error, stopped, timeout). */
  error: string | undefined;
  durationMs: number;
}

export interface CitedSource {
  documentId: string;
  title: string;
  url: string | undefined;
  /** Present when the server puts it in the citation's metadata. */
  externalId: string | undefined;
}

/** The server under evaluation may be any Prex version: its chunks are checked, unknown ones skipped. */
const checkedChunk = (json: unknown) => uiStreamChunkSchema.safeParse(json).data;

/** The state of one answer's stream across reconnects. */
export class AnswerStreamRead {
  private answer: AnswerState = emptyAnswer;

  get messageId(): string | undefined {
    return this.answer.messageId;
  }
  /** Last-Event-ID for a resume. */
  get lastSeq(): number {
    return this.answer.lastSeq;
  }
  get done(): boolean {
    return this.answer.done;
  }

  /**
   * Reads events until [DONE] or the end of the body. A connection lost mid-stream just ends
   * the read (the caller resumes from lastSeq); only the turn's own time limit (`signal`) is an error.
   */
  async consume(res: Response, signal: AbortSignal): Promise<void> {
    try {
      for await (const event of readAnswerStream(res, { parse: checkedChunk })) {
        this.answer = reduceAnswer(this.answer, event);
        if (this.answer.done) return;
      }
    } catch (error) {
      if (signal.aborted) throw error;
    }
  }

  outcome(started: number, error: string | undefined): TurnOutcome {
    const { text, citations, handoffs, meta, status, errorText } = this.answer;
    return {
      text,
      sources: citations.map((c) => ({ documentId: c.documentId, title: c.title, url: c.url, externalId: c.externalId })),
      handoff: handoffs.map((h) => h.status),
      grounded: meta?.grounded,
      agent: meta?.agent,
      error: streamError(status, errorText) ?? error,
      durationMs: performance.now() - started,
    };
  }
}

function streamError(status: AnswerState['status'], errorText: string | undefined): string | undefined {
  if (status === 'stopped') return `the answer was stopped${errorText ? ` (${errorText})` : ''}`;
  if (status === 'error') return `the answer failed: ${errorText}`;
  return undefined;
}
