import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createMemoryBus, type ConversationBus } from './bus.js';

export {
  answerTopic,
  conversationTopic,
  createMemoryBus,
  inboxTopic,
  STAFF_REPLY_TOPIC,
  type AnswerEvent,
  type BusEvent,
  type ConversationBus,
  type ConversationEvent,
  type InboxEvent,
} from './bus.js';

/**
 * The bus for the configured database: LISTEN/NOTIFY on a Postgres server, where several instances
 * may share it; in memory on the embedded database, which one process owns.
 */
export async function createBus(database: Config['database'], log: Logger): Promise<ConversationBus> {
  // The `pg` driver (~13 MiB resident) is loaded only by processes that talk to a server.
  if (database.kind === 'postgres') return (await import('./postgres.js')).createPostgresBus(database, log);
  return createMemoryBus();
}
