import { citationFromSourceChunk, CITATION_METADATA_KEY, STREAM_DONE, uiStreamChunkSchema, type UIStreamChunk } from '@prex/protocol';
import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';
import type { HandoffStatus } from './agent-eval-file.js';

/**
 * Reading a Prex answer stream (AI SDK UI message stream over SSE) as a client: the text, the
 * citations, handoff, grounding and how it ended, accumulated across reconnects.
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

/** The state of one answer's stream across reconnects: what the judge needs from its chunks. */
export class AnswerStreamRead {
  messageId: string | undefined;
  lastSeq = 0;
  done = false;
  private text = '';
  private readonly sources: CitedSource[] = [];
  private readonly handoff: HandoffStatus[] = [];
  private grounded: boolean | undefined;
  private agent: string | undefined;
  private streamError: string | undefined;

  /**
   * Reads SSE events until [DONE] or the end of the body. A connection lost mid-stream just ends
   * the read (the caller resumes from lastSeq); only the turn's own time limit (`signal`) is an error.
   */
  async consume(res: Response, signal: AbortSignal): Promise<void> {
    const events = res.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await events.read().catch((error: unknown) => {
          if (signal.aborted) throw error;
          return { value: undefined, done: true as const };
        });
        if (done) return;
        this.event(value);
        if (this.done) return;
      }
    } finally {
      await events.cancel().catch(() => undefined);
    }
  }

  private event(message: EventSourceMessage): void {
    const id = Number(message.id);
    if (message.id && Number.isInteger(id)) this.lastSeq = id;
    if (message.data === STREAM_DONE) {
      this.done = true;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(message.data);
    } catch {
      return;
    }
    // Chunk types this client does not know (a newer server) are skipped, not fatal.
    const chunk = uiStreamChunkSchema.safeParse(json);
    if (chunk.success) this.chunk(chunk.data);
  }

  private chunk(chunk: UIStreamChunk): void {
    switch (chunk.type) {
      case 'start':
        this.messageId = chunk.messageId;
        break;
      case 'data-prex-meta':
        this.grounded = chunk.data.grounded;
        this.agent = chunk.data.agent;
        break;
      case 'text-delta':
        this.text += chunk.delta;
        break;
      case 'source-url':
      case 'source-document': {
        const citation = citationFromSourceChunk(chunk);
        const externalId = chunk.providerMetadata?.[CITATION_METADATA_KEY]?.externalId;
        this.sources.push({ documentId: citation.documentId, title: citation.title, url: citation.url, externalId });
        break;
      }
      case 'data-prex-handoff':
        this.handoff.push(chunk.data.status);
        break;
      case 'abort':
        this.streamError = `the answer was stopped${chunk.reason ? ` (${chunk.reason})` : ''}`;
        break;
      case 'error':
        this.streamError = `the answer failed: ${chunk.errorText}`;
        break;
      default:
        break;
    }
  }

  outcome(started: number, error: string | undefined): TurnOutcome {
    return {
      text: this.text,
      sources: this.sources,
      handoff: this.handoff,
      grounded: this.grounded,
      agent: this.agent,
      error: this.streamError ?? error,
      durationMs: performance.now() - started,
    };
  }
}
