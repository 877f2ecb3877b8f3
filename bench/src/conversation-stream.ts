import { createParser } from 'eventsource-parser';

/**
 * A visitor's conversation stream read as the widget reads it (eventsource-parser over fetch):
 * `arrival(text)` resolves with the time the staff message with that text was parsed.
 */
export async function openConversationStream(baseUrl: string, headers: Record<string, string>) {
  const waiting = new Map<string, (at: number) => void>();
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/v1/conversations/current/events`, { headers: { ...headers, accept: 'text/event-stream' }, signal: controller.signal });
  if (res.status !== 200) throw new Error(`events stream → ${res.status}`);
  const parser = createParser({
    onEvent(ev) {
      const at = performance.now();
      const event = JSON.parse(ev.data) as { type: string; message?: { text: string } };
      if (event.type === 'staff-message') waiting.get(event.message!.text)?.(at);
    },
  });
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body!) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      /* closed by the bench */
    }
  })();
  return {
    arrival: (text: string) => new Promise<number>((resolve) => waiting.set(text, resolve)),
    close: () => controller.abort(),
  };
}
