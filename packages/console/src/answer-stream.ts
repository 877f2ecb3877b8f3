import type { UIStreamChunk } from '@prex/protocol';
import { readAnswerStream } from '@prex/protocol/client';

/**
 * Reads an answer stream (the widget's UI message stream: a copilot draft, an agent's try-it) to
 * its `[DONE]` with the protocol's reader, handing each chunk to `onChunk`. Resolves with the
 * stream's error text when it ended in an `error` chunk, else null.
 */
export async function readAnswerChunks(res: Response, onChunk: (chunk: UIStreamChunk) => void): Promise<string | null> {
  let failure: string | null = null;
  for await (const event of readAnswerStream(res)) {
    if (event.done) break;
    if (event.chunk.type === 'error') failure = event.chunk.errorText;
    onChunk(event.chunk);
  }
  return failure;
}
