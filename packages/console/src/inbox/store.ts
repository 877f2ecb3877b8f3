import { signal } from '@preact/signals';
import { STAFF_INBOX_ROUTES, STAFF_ROUTES } from '@prex/protocol/wire';
import type { AdminConversationResponse, ConversationStatus, InboxAgentsResponse, InboxConversation, InboxConversationResponse, InboxQuery, InboxResponse } from '@prex/protocol';
import { api, ApiError, messageOf, path } from '../api.js';
import { sessionEnded } from '../auth.js';

/** The inbox's state: the filtered list, the counts, and the open conversation. */

export type InboxFilters = Pick<InboxQuery, 'status' | 'assignee' | 'channel' | 'label' | 'agentId'>;

export const filters = signal<InboxFilters>({ status: 'open' });
export const conversations = signal<InboxConversation[]>([]);
export const counts = signal<Partial<Record<ConversationStatus, number>>>({});
export const listError = signal<string | null>(null);
export const listLoaded = signal(false);
/** The tenant's agents, for the agent filter (loaded once per visit of the inbox). */
export const agents = signal<InboxAgentsResponse['agents']>([]);

export async function loadAgents(): Promise<void> {
  try {
    agents.value = (await api<InboxAgentsResponse>('GET', STAFF_INBOX_ROUTES.agents)).agents;
  } catch {
    // Without the list the filter is not offered; the inbox itself works on.
    agents.value = [];
  }
}

export interface OpenConversation {
  sessionId: string;
  thread: AdminConversationResponse;
  details: InboxConversationResponse;
}
export const opened = signal<OpenConversation | null>(null);
export const openError = signal<string | null>(null);
/** Who is writing in which conversation (other staff), cleared a few seconds after the last notice. */
export const typing = signal<Record<string, string>>({});

function queryString(f: InboxFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(f)) if (value) params.set(key, value);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** A 401 means the session ended elsewhere: show the sign-in page rather than an error. */
function failed(error: unknown, target: typeof listError): void {
  if (error instanceof ApiError && error.status === 401) sessionEnded();
  else target.value = messageOf(error);
}

/**
 * Reads one thing at a time, and once more if asked while reading: a burst of live events costs
 * two reads, not one per event, and the last read always sees the newest state.
 */
function coalesced(read: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await read();
      } while (again);
    })().finally(() => (running = null));
    return running;
  };
  return run;
}

export const refreshList = coalesced(async () => {
  const wanted = filters.value;
  try {
    const out = await api<InboxResponse>('GET', STAFF_INBOX_ROUTES.conversations + queryString(wanted));
    if (filters.value !== wanted) return; // the filters changed meanwhile: a newer read follows
    conversations.value = out.conversations;
    counts.value = out.counts;
    listError.value = null;
    listLoaded.value = true;
  } catch (error) {
    failed(error, listError);
  }
});

export function setFilters(next: InboxFilters): void {
  filters.value = next;
  void refreshList();
}

let openedId: string | null = null;

async function readConversation(sessionId: string): Promise<OpenConversation> {
  const [thread, details] = await Promise.all([
    api<AdminConversationResponse>('GET', path(STAFF_ROUTES.conversation, { sessionId })),
    api<InboxConversationResponse>('GET', path(STAFF_INBOX_ROUTES.conversation, { sessionId })),
  ]);
  return { sessionId, thread, details };
}

const refreshOpened = coalesced(async () => {
  const sessionId = openedId;
  if (!sessionId) return;
  try {
    const value = await readConversation(sessionId);
    if (openedId !== sessionId) return;
    opened.value = value;
    openError.value = null;
    // Reading it is what clears its unread count for this staff member.
    if (value.details.conversation.unread > 0) await markRead(sessionId);
  } catch (error) {
    if (openedId === sessionId) failed(error, openError);
  }
});

async function markRead(sessionId: string): Promise<void> {
  await api('POST', path(STAFF_INBOX_ROUTES.read, { sessionId }));
  conversations.value = conversations.value.map((c) => (c.sessionId === sessionId ? { ...c, unread: 0 } : c));
}

export function openConversation(sessionId: string | null): void {
  if (openedId === sessionId) return;
  openedId = sessionId;
  opened.value = null;
  openError.value = null;
  if (sessionId) void refreshOpened();
}

/** A live event said this conversation changed. */
export function conversationChanged(sessionId: string): void {
  void refreshList();
  if (sessionId === openedId) void refreshOpened();
}

/** The server may have missed changes: everything shown is read again. */
export function resynced(): void {
  void refreshList();
  if (openedId) void refreshOpened();
}

/** After the console itself changed the open conversation. */
export function reloadOpened(): Promise<void> {
  void refreshList();
  return refreshOpened();
}

const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
/** Another staff member's typing notice; it fades 6 s after the last one (they repeat every 3 s). */
export function staffTyping(sessionId: string, name: string): void {
  typing.value = { ...typing.value, [sessionId]: name };
  clearTimeout(typingTimers.get(sessionId));
  typingTimers.set(
    sessionId,
    setTimeout(() => {
      const { [sessionId]: _gone, ...rest } = typing.value;
      typing.value = rest;
    }, 6000),
  );
}
