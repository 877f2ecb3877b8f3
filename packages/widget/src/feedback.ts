/**
 * A visitor rates an answer (and may say why). The message's `feedback` signal shows the saving,
 * saved or failed state; only this module writes it.
 */
import type { ApiClient } from './api.js';
import type { UiMessage } from './message.js';

export async function sendFeedback(api: ApiClient, session: () => Promise<string>, m: UiMessage, rating: 'up' | 'down', comment?: string) {
  const id = m.id.peek();
  if (!id || m.role !== 'assistant') return;
  const text = comment?.trim() || undefined;
  m.feedback.value = { rating, comment: text, state: 'saving' };
  try {
    await api.feedback(await session(), id, rating, text);
    m.feedback.value = { rating, comment: text, state: 'saved' };
  } catch {
    m.feedback.value = { rating, comment: text, state: 'failed' };
  }
}
