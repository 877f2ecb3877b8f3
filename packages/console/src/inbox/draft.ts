import type { UIStreamChunk } from '@prex/protocol';
import { COPILOT_ROUTES, STREAM_DONE } from '@prex/protocol/wire';
import { createParser } from 'eventsource-parser';
import { path, send } from '../api.js';

export interface DraftHandlers {
  onText(delta: string): void;
  onSource(title: string): void;
}

/**
 * Streams the tenant's agent's draft reply (same UI message stream as the widget's answers). The
 * draft is only text for the composer: nothing is sent to the visitor until staff press Send.
 */
export async function streamDraft(sessionId: string, instruction: string | undefined, handlers: DraftHandlers, signal: AbortSignal): Promise<void> {
  const res = await send('POST', path(COPILOT_ROUTES.draft, { sessionId }), instruction ? { instruction } : {}, signal);
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
      if (chunk.type === 'text-delta') handlers.onText(chunk.delta);
      else if (chunk.type === 'source-document' || chunk.type === 'source-url') handlers.onSource(chunk.title ?? ('url' in chunk ? chunk.url : ''));
      else if (chunk.type === 'error') failure = chunk.errorText;
    },
  });
  while (!done) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    parser.feed(value);
  }
  if (failure) throw new Error(`The draft failed: ${failure}`);
}
