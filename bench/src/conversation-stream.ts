import { readSseMessages } from '@prex/protocol/client';

/**
 * A visitor's conversation stream read over fetch, with the protocol's SSE reader:
 * `arrival(text)` resolves with the time the staff message with that text was parsed.
 */
export async function openConversationStream(baseUrl: string, headers: Record<string, string>) {
  const waiting = new Map<string, (at: number) => void>();
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/v1/conversations/current/events`, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
  if (res.status !== 200) throw new Error(`events stream → ${res.status}`);
  void (async () => {
    try {
      for await (const message of readSseMessages(res)) {
        const at = performance.now();
        const event = JSON.parse(message.data) as { type: string; message?: { text: string } };
        if (event.type === 'staff-message') waiting.get(event.message!.text)?.(at);
      }
    } catch {
      /* closed by the bench */
    }
  })();
  return {
    arrival: (text: string) => new Promise<number>((resolve) => waiting.set(text, resolve)),
    close: () => controller.abort(),
  };
}
