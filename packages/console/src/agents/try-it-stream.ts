import { STAFF_AGENT_ROUTES } from '@prex/protocol/wire';
import { path, send } from '../api.js';
import { readAnswerChunks } from '../answer-stream.js';

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
  const failure = await readAnswerChunks(res, (chunk) => {
    if (chunk.type === 'text-delta') handlers.onText(chunk.delta);
    else if (chunk.type === 'source-document') handlers.onSource({ title: chunk.title });
    else if (chunk.type === 'source-url') handlers.onSource({ title: chunk.title ?? chunk.url, url: chunk.url });
    else if (chunk.type === 'data-prex-tool') handlers.onTool(chunk.data.name);
  });
  if (failure) throw new Error(`The answer failed: ${failure}`);
}
