import { COPILOT_ROUTES } from '@prex/protocol/wire';
import { path, send } from '../api.js';
import { readAnswerChunks } from '../answer-stream.js';

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
  const failure = await readAnswerChunks(res, (chunk) => {
    if (chunk.type === 'text-delta') handlers.onText(chunk.delta);
    else if (chunk.type === 'source-document' || chunk.type === 'source-url') handlers.onSource(chunk.title ?? ('url' in chunk ? chunk.url : ''));
  });
  if (failure) throw new Error(`The draft failed: ${failure}`);
}
