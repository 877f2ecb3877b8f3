import { citationFromSourceChunk, CITATION_METADATA_KEY, STREAM_DONE, uiStreamChunkSchema, type UIStreamChunk } from '@prex/protocol';
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
   * Reads SSE events (`id:` + `data:` lines, blank-line separated) until [DONE] or the end of the
   * body. A connection lost mid-stream just ends the read (the caller resumes from lastSeq); only
   * the turn's own time limit (`signal`) is an error.
   */
  async consume(res: Response, signal: AbortSignal): Promise<void> {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read().catch((error: unknown) => {
          if (signal.aborted) throw error;
          return { value: undefined, done: true as const };
        });
        if (done) return;
        buffer += value.replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.event(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (this.done) return;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  private event(block: string): void {
    let id: number | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) id = Number(line.slice(3).trim());
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length === 0) return; // a heartbeat comment
    if (id !== undefined && Number.isInteger(id)) this.lastSeq = id;
    const payload = data.join('\n');
    if (payload === STREAM_DONE) {
      this.done = true;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload);
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
