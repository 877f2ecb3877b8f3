import { COPILOT_ROUTES, ROUTES } from '@prex/protocol';
import { newVisitor, readSse, send, type SseRead, type Visitor } from './chat.js';
import type { StaffBrowser } from './staff.js';

/** POST …/draft as the console sends it; `body` undefined sends no body at all. */
export function requestDraft(staff: StaffBrowser, sessionId: string, body?: unknown, options?: Parameters<StaffBrowser['call']>[3]): Promise<Response> {
  return staff.call('POST', COPILOT_ROUTES.draft.replace(':sessionId', encodeURIComponent(sessionId)), body, options);
}

/** A draft read to its end; throws on anything but a 200 event stream. */
export async function readDraft(staff: StaffBrowser, sessionId: string, body?: unknown): Promise<SseRead> {
  const res = await requestDraft(staff, sessionId, body);
  if (res.status !== 200) throw new Error(`draft → ${res.status} ${await res.text()}`);
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`draft → ${res.headers.get('content-type')}`);
  return readSse(res);
}

/**
 * A visitor who asked the bot `first` (and got its answer), then asked for a person and wrote
 * `toStaff`, which waits for the team (the bot stays silent while staff have the conversation).
 */
export async function visitorWaitingForStaff(t: { url: string; publishableKey: string }, first: string, toStaff: string): Promise<Visitor> {
  const visitor = await newVisitor(t);
  await readSse(await send(visitor, { text: first }));
  const handoff = await fetch(`${t.url}${ROUTES.handoff}`, {
    method: 'POST',
    headers: { ...visitor.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'wants a person' }),
  });
  if (handoff.status !== 201) throw new Error(`handoff → ${handoff.status} ${await handoff.text()}`);
  const waiting = await readSse(await send(visitor, { text: toStaff }));
  if (!waiting.chunks.some((c) => c.chunk.type === 'data-prex-to-staff')) throw new Error('the message did not go to staff');
  return visitor;
}
