import type { Db } from '../db/db.js';
import { newId } from '../ids.js';

/** A chat of the Vercel AI SDK as its session token names it. */
export interface ChatRef {
  tenantId: string;
  /** The session whose token is calling. */
  ownerSessionId: string;
  /** useChat's `id`, already validated (chatIdSchema). */
  chatId: string;
}

/** The conversation (session id) holding the chat's messages; undefined when the token never used the chat. */
export async function findChatConversation(db: Db, chat: ChatRef): Promise<string | undefined> {
  const rows = await db.query<{ session_id: string }>(
    'select session_id from sdk_chats where tenant_id = $1 and owner_session_id = $2 and chat_id = $3',
    [chat.tenantId, chat.ownerSessionId, chat.chatId],
  );
  return rows[0]?.session_id;
}

/**
 * The chat's conversation, made on its first message: a session of its own that inherits who the
 * visitor is (identity level, customer) from the token's session, so the inbox and data requests
 * see it as theirs. Two first messages racing end on the same conversation.
 */
export async function chatConversation(db: Db, chat: ChatRef): Promise<string> {
  const found = await findChatConversation(db, chat);
  if (found) return found;
  await db.transaction(async (tx) => {
    const sessionId = newId('ses');
    await tx.query(
      `insert into sessions (id, tenant_id, identity_level, customer_id)
       select $1, tenant_id, identity_level, customer_id from sessions where id = $2 and tenant_id = $3`,
      [sessionId, chat.ownerSessionId, chat.tenantId],
    );
    const claimed = await tx.query(
      `insert into sdk_chats (tenant_id, owner_session_id, chat_id, session_id) values ($1, $2, $3, $4)
       on conflict do nothing returning session_id`,
      [chat.tenantId, chat.ownerSessionId, chat.chatId, sessionId],
    );
    // Lost the race: the other request's conversation stands; ours was never used.
    if (claimed.length === 0) await tx.query('delete from sessions where id = $1 and tenant_id = $2', [sessionId, chat.tenantId]);
  });
  const made = await findChatConversation(db, chat);
  if (!made) throw new Error(`chat ${chat.chatId} has no conversation after creating it`);
  return made;
}

/**
 * The conversation of a message that sits in one of the token's chats: so the routes that take a
 * Prex message id (resume, stop) reach a chat's answers too. Undefined for any other message.
 */
export async function chatConversationOfMessage(db: Db, scope: { tenantId: string; ownerSessionId: string; messageId: string }): Promise<string | undefined> {
  const rows = await db.query<{ session_id: string }>(
    `select c.session_id from sdk_chats c
       join messages m on m.tenant_id = c.tenant_id and m.session_id = c.session_id
      where c.tenant_id = $1 and c.owner_session_id = $2 and m.id = $3`,
    [scope.tenantId, scope.ownerSessionId, scope.messageId],
  );
  return rows[0]?.session_id;
}
