import type { UIStreamChunk } from '@prex/protocol';
import { STAFF_AGENT_ROUTES, STREAM_DONE } from '@prex/protocol/wire';
import { createParser } from 'eventsource-parser';
import { path, send } from '../api.js';

export interface TryItTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface TryItHandlers {
  onText(delta: string): void;
  onSource(source: { title: string; url?: string }): void;
  onTool(name: string): void;
}

/**
 * Asks `agent` a question as a visitor would, with the try-it chat's earlier turns; its answer
 * streams back in the widget's answer stream format. Nothing of it is stored by the server.
 */
export async function streamTryIt(agent: string, question: string, history: TryItTurn[], handlers: TryItHandlers, signal: AbortSignal): Promise<void> {
  const res = await send('POST', path(STAFF_AGENT_ROUTES.tryIt, { name: agent }), { question, history }, signal);
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
      else if (chunk.type === 'source-document') handlers.onSource({ title: chunk.title });
      else if (chunk.type === 'source-url') handlers.onSource({ title: chunk.title ?? chunk.url, url: chunk.url });
      else if (chunk.type === 'data-prex-tool') handlers.onTool(chunk.data.name);
      else if (chunk.type === 'error') failure = chunk.errorText;
    },
  });
  while (!done) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    parser.feed(value);
  }
  if (failure) throw new Error(`The answer failed: ${failure}`);
}
