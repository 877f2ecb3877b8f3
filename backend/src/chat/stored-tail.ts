import type { SequencedChunk, UIStreamChunk } from '@prex/protocol';

const ENDINGS: ReadonlySet<UIStreamChunk['type']> = new Set(['finish', 'abort', 'error']);

/** A chunk that says how an answer ended. */
export const isEnding = (chunk: UIStreamChunk | null | undefined): chunk is UIStreamChunk => !!chunk && ENDINGS.has(chunk.type);

/**
 * What a resume after `afterSeq` gets of a finished answer's stored log: the chunks after it, ids
 * being positions. A client ahead of the log (it saw chunks of a batch that its instance never
 * stored before dying) still gets the ending, under the next id after its cursor: ids never go
 * backwards, and the stream never ends without saying how the answer ended.
 */
export function finishedTail(events: readonly UIStreamChunk[], afterSeq: number): SequencedChunk[] {
  if (afterSeq < events.length) return events.slice(afterSeq).map((chunk, i) => ({ seq: afterSeq + i + 1, chunk }));
  const ending = events.at(-1) ?? null;
  return endingOwed(ending, afterSeq, events.length) ? [{ seq: afterSeq + 1, chunk: ending }] : [];
}

/**
 * Whether a client whose cursor is at or past the end of the stored log must still be sent the
 * ending: always when it is past it; at it, only for an error, since the chunk it saw under that id
 * may have been text its instance never stored (an interrupted answer's error is stored one past
 * the text that was stored). Seeing an error twice is harmless; never seeing it is not.
 */
export function endingOwed(ending: UIStreamChunk | null, afterSeq: number, logLength: number): ending is UIStreamChunk {
  if (!isEnding(ending)) return false;
  return afterSeq > logLength || (afterSeq === logLength && ending.type === 'error');
}
