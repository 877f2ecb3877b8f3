import type { UIStreamChunk } from '@prex/protocol';
import { STREAM_DONE } from '@prex/protocol/wire';
import { createParser } from 'eventsource-parser';

/**
 * Reads an answer stream (the widget's UI message stream: a copilot draft, an agent's try-it) to
 * its `[DONE]`, handing each chunk to `onChunk`. Resolves with the stream's error text when it
 * ended in an `error` chunk, else null.
 */
export async function readAnswerChunks(res: Response, onChunk: (chunk: UIStreamChunk) => void): Promise<string | null> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let failure: string | null = null;
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (event.data === STREAM_DONE) {
        done = true;
        return;
      }
      const chunk = JSON.parse(event.data) as UIStreamChunk;
      if (chunk.type === 'error') failure = chunk.errorText;
      onChunk(chunk);
    },
  });
  while (!done) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    parser.feed(value);
  }
  return failure;
}
