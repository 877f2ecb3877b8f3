import {
  inboxConversationResponseSchema,
  inboxResponseSchema,
  STAFF_INBOX_ROUTES,
  type InboxConversation,
  type InboxConversationResponse,
  type InboxResponse,
  type InboxStreamEvent,
} from '@prex/protocol';
import { readJson } from './app.js';
import { readSse, send, type Visitor } from './chat.js';
import { fillPath } from './routes.js';
import type { StaffBrowser } from './staff.js';
import { BackgroundSseReader } from './sse-reader.js';

/** A staff inbox path with its :params filled in. */
export const inboxPath = (pattern: string, params: Record<string, string>) => fillPath(pattern, (name) => encodeURIComponent(params[name]!));

/** The visitor writes in the widget and reads the answer (or the to-staff notice) to its end. */
export async function ask(visitor: Visitor, text: string): Promise<void> {
  const res = await send(visitor, { text });
  if (res.status !== 200) throw new Error(`POST chat → ${res.status} ${await res.text()}`);
  const read = await readSse(res);
  if (!read.done) throw new Error('the answer stream ended without [DONE]');
}

/** A page of the inbox, checked against the wire contract the console reads it with. */
export async function inbox(staff: StaffBrowser, query = ''): Promise<InboxResponse> {
  const res = await staff.call('GET', `${STAFF_INBOX_ROUTES.conversations}${query}`);
  if (res.status !== 200) throw new Error(`GET inbox${query} → ${res.status} ${await res.text()}`);
  return inboxResponseSchema.parse(await readJson(res));
}

/** A GET or PATCH answer of one conversation, checked against the wire contract. */
export async function conversationIn(res: Response): Promise<InboxConversationResponse> {
  if (res.status !== 200) throw new Error(`${res.url} → ${res.status} ${await res.text()}`);
  return inboxConversationResponseSchema.parse(await readJson(res));
}

/** The conversation's row as this staff member sees it in the inbox (undefined when it is not listed). */
export async function rowOf(staff: StaffBrowser, sessionId: string, query = '?limit=200'): Promise<InboxConversation | undefined> {
  return (await inbox(staff, query)).conversations.find((c) => c.sessionId === sessionId);
}

/**
 * The console's live stream of the tenant's inbox, read in the background with a real fetch
 * reader; `until` waits for what has arrived to satisfy a condition (the stream never ends).
 */
export class InboxEventReader extends BackgroundSseReader<InboxStreamEvent> {
  static async open(baseUrl: string, staff: StaffBrowser): Promise<InboxEventReader> {
    const reader = new InboxEventReader();
    const res = await fetch(`${baseUrl}${STAFF_INBOX_ROUTES.events}`, { headers: { cookie: `prex_staff=${staff.cookie}` }, signal: reader.signal });
    if (res.status !== 200) throw new Error(`GET ${STAFF_INBOX_ROUTES.events} → ${res.status} ${await res.text()}`);
    reader.start(res, 'inbox stream', (message) => JSON.parse(message.data) as InboxStreamEvent);
    return reader;
  }

  /** Whether an event about this conversation arrived. */
  saw(sessionId: string, type: InboxStreamEvent['type'] = 'conversation-changed'): boolean {
    return this.received.some((e) => e.type === type && 'sessionId' in e && e.sessionId === sessionId);
  }

  /** Every conversation the events named, in order. */
  sessionIds(): string[] {
    return this.received.flatMap((e) => ('sessionId' in e ? [e.sessionId] : []));
  }
}
