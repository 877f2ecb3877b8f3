/**
 * The bus of conversation events: what one instance publishes, every instance on the same
 * database hears. Events are small and carry ids (a NOTIFY payload is at most 8 KB): a subscriber
 * reads what changed from the database. Delivery is at most once and may be lost with a
 * connection: the bus then tells its subscribers to re-read what they follow (`onResync`), so a
 * long-lived subscriber need not poll the database to be sure it missed nothing.
 */

/** What happened to an answer streaming on some instance. */
export type AnswerEvent =
  /** Chunks up to `seq` are stored. */
  | { kind: 'answer-progress'; messageId: string; seq: number }
  /** The answer is finished and stored with its final status. */
  | { kind: 'answer-end'; messageId: string }
  /** A visitor asked, on some instance, to stop it. */
  | { kind: 'answer-stop'; messageId: string };

/** What happened in a conversation, besides its answers. */
export type ConversationEvent =
  /** The conversation's event log grew to `seq` (a staff reply, a handoff state): read it from the database. */
  | { kind: 'conversation-event'; seq: number }
  /** A staff member is writing a reply; nothing is stored. */
  | { kind: 'staff-typing'; name?: string | undefined }
  /** Staff replied in the conversation (the message is stored): other channels (SMS) relay it. */
  | { kind: 'staff-reply'; tenantId: string; sessionId: string; messageId: string };

/** What the staff inbox of a tenant hears: only which conversation changed (the console reads it again). */
export type InboxEvent =
  /** A message, a note, a handoff, a status or assignee change in this conversation. */
  | { kind: 'inbox-changed'; sessionId: string }
  /** A staff member is writing in this conversation. */
  | { kind: 'inbox-typing'; sessionId: string; name?: string | undefined; accountId?: string | undefined };

export type BusEvent = AnswerEvent | ConversationEvent | InboxEvent;

export const answerTopic = (messageId: string): string => `answer:${messageId}`;
/** Session ids are unique across tenants; the tenant is in the topic anyway, so a topic never crosses tenants. */
export const conversationTopic = (tenantId: string, sessionId: string): string => `conversation:${tenantId}:${sessionId}`;
/** Every conversation of one tenant, as its staff inbox follows them. */
export const inboxTopic = (tenantId: string): string => `inbox:${tenantId}`;

/** Every staff reply of every tenant: few, and each subscriber keeps the ones of its channel. */
export const STAFF_REPLY_TOPIC = 'staff-replies';

export type BusListener = (event: BusEvent) => void;

export interface ConversationBus {
  /** Delivers `event` to every subscriber of `topic`, in this process and in the others. */
  publish(topic: string, event: BusEvent): Promise<void>;
  /** Listens to `topic` until the returned function is called. */
  subscribe(topic: string, listener: BusListener): () => void;
  /**
   * Calls `listener` whenever events may have been lost (a connection to the database dropped and
   * came back, here or on the instance that published): subscribers read their state again.
   */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Subscribers of this process, by topic: the part both implementations share. */
export class LocalSubscribers {
  private readonly byTopic = new Map<string, Set<BusListener>>();
  private readonly resyncListeners = new Set<() => void>();

  add(topic: string, listener: BusListener): () => void {
    let listeners = this.byTopic.get(topic);
    if (!listeners) this.byTopic.set(topic, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.byTopic.delete(topic);
    };
  }

  deliver(topic: string, event: BusEvent): void {
    for (const listener of [...(this.byTopic.get(topic) ?? [])]) listener(event);
  }

  addResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  resync(): void {
    for (const listener of [...this.resyncListeners]) listener();
  }
}

/** One process (the embedded database, which one process owns): events never leave it. */
export function createMemoryBus(): ConversationBus {
  const local = new LocalSubscribers();
  return {
    async publish(topic, event) {
      // Delivered after the publisher's own synchronous work, as a notification would be.
      queueMicrotask(() => local.deliver(topic, event));
    },
    subscribe: (topic, listener) => local.add(topic, listener),
    // Nothing is ever lost in one process.
    onResync: () => () => undefined,
    async close() {},
  };
}
