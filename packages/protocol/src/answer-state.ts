import type { AnswerStreamEvent } from './answer-reader.js';
import type { UIStreamChunk } from './stream.js';
import { citationFromSourceChunk, type WireCitation } from './wire.js';

type ChunkOf<T extends UIStreamChunk['type']> = Extract<UIStreamChunk, { type: T }>;
export type AnswerMeta = ChunkOf<'data-prex-meta'>['data'];
export type AnswerHandoff = ChunkOf<'data-prex-handoff'>['data'];
export type AnswerToStaff = ChunkOf<'data-prex-to-staff'>['data'];

/** How far the answer got: the same words as a stored message's status. */
export type AnswerStatus = 'pending' | 'streaming' | 'complete' | 'stopped' | 'error';

/** An answer in progress, as its stream has told it so far. */
export interface AnswerState {
  /** From `start`: the id to resume or stop the answer with. */
  messageId: string | undefined;
  /** The user's message this answers (from `data-prex-meta` or `data-prex-to-staff`). */
  userMessageId: string | undefined;
  text: string;
  /** Citations in arrival order, one per source id. */
  citations: WireCitation[];
  meta: AnswerMeta | undefined;
  /** Every handoff state the stream announced, in order (the last one is current). */
  handoffs: AnswerHandoff[];
  /** Set when the message went to the support team: no bot answer follows. */
  toStaff: AnswerToStaff | undefined;
  status: AnswerStatus;
  /** The `error` chunk's text, or the `abort` chunk's reason. */
  errorText: string | undefined;
  /** The last sequence number applied: Last-Event-ID for a resume. */
  lastSeq: number;
  /** `[DONE]` arrived: nothing more will come. */
  done: boolean;
}

export const emptyAnswer: AnswerState = {
  messageId: undefined,
  userMessageId: undefined,
  text: '',
  citations: [],
  meta: undefined,
  handoffs: [],
  toStaff: undefined,
  status: 'pending',
  errorText: undefined,
  lastSeq: 0,
  done: false,
};

/** Applies one chunk; unknown chunk types (a newer server) leave the state as it was. */
export function reduceAnswerChunk(state: AnswerState, chunk: UIStreamChunk): AnswerState {
  switch (chunk.type) {
    case 'start':
      return { ...state, messageId: chunk.messageId, status: 'streaming' };
    case 'data-prex-meta':
      return { ...state, meta: chunk.data, userMessageId: chunk.data.userMessageId };
    case 'text-delta':
      return { ...state, text: state.text + chunk.delta, status: 'streaming' };
    case 'source-url':
    case 'source-document': {
      const citation = citationFromSourceChunk(chunk);
      if (state.citations.some((c) => c.sourceId === citation.sourceId)) return state;
      return { ...state, citations: [...state.citations, citation] };
    }
    case 'data-prex-handoff':
      return { ...state, handoffs: [...state.handoffs, chunk.data] };
    case 'data-prex-to-staff':
      return { ...state, toStaff: chunk.data, userMessageId: chunk.data.userMessageId };
    case 'finish':
      return { ...state, status: 'complete' };
    case 'abort':
      return { ...state, status: 'stopped', errorText: chunk.reason };
    case 'error':
      return { ...state, status: 'error', errorText: chunk.errorText };
    default:
      return state;
  }
}

/**
 * Applies one event of the stream. A chunk at or below `lastSeq` was applied already (a resume
 * that replays from too early) and is ignored, so text is never doubled. `[DONE]` (which repeats
 * the last chunk's id) after a stream without `finish` still completes the answer.
 */
export function reduceAnswer(state: AnswerState, event: AnswerStreamEvent): AnswerState {
  if (event.done) {
    const status = state.status === 'pending' || state.status === 'streaming' ? 'complete' : state.status;
    return { ...state, lastSeq: Math.max(state.lastSeq, event.seq ?? 0), status, done: true };
  }
  if (event.seq !== undefined && event.seq <= state.lastSeq) return state;
  return { ...reduceAnswerChunk(state, event.chunk), lastSeq: event.seq ?? state.lastSeq };
}
