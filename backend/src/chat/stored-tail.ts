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
 * ending: only when the answer ended in an error, since then it may have been interrupted after the
 * client saw text its instance never stored (the error is stored one past the stored text, so the
 * client may hold that id already). Seeing an error twice is harmless; never seeing it is not. A
 * complete or stopped answer's ending was stored last: a client at the end has seen it.
 */
export function endingOwed(ending: UIStreamChunk | null, afterSeq: number, logLength: number): ending is UIStreamChunk {
  return isEnding(ending) && ending.type === 'error' && afterSeq >= logLength;
}
