import type { Db } from '../db/db.js';
import { createSession } from '../conversations/sessions.js';

/** The only code touching api_conversations. Every query filters by tenant. */

export interface ApiConversation {
  tenantId: string;
  conversationKey: string;
  sessionId: string;
}

interface Row {
  tenant_id: string;
  conversation_key: string;
  session_id: string;
}

const toConversation = (row: Row): ApiConversation => ({ tenantId: row.tenant_id, conversationKey: row.conversation_key, sessionId: row.session_id });

const SELECT = 'select tenant_id, conversation_key, session_id from api_conversations where tenant_id = $1 and conversation_key = $2';

export async function findApiConversation(db: Db, tenantId: string, conversationKey: string): Promise<ApiConversation | undefined> {
  const rows = await db.query<Row>(SELECT, [tenantId, conversationKey]);
  return rows[0] && toConversation(rows[0]);
}

/** The key's conversation with the tenant, created (with its session) on first use. */
export async function findOrCreateApiConversation(db: Db, tenantId: string, conversationKey: string): Promise<ApiConversation> {
  const found = await findApiConversation(db, tenantId, conversationKey);
  if (found) return found;
  try {
    return await db.transaction(async (tx) => {
      const session = await createSession(tx, tenantId);
      const rows = await tx.query<Row>(
        `insert into api_conversations (tenant_id, conversation_key, session_id) values ($1, $2, $3)
         on conflict (tenant_id, conversation_key) do nothing
         returning tenant_id, conversation_key, session_id`,
        [tenantId, conversationKey, session.id],
      );
      if (!rows[0]) throw new CreatedConcurrently();
      return toConversation(rows[0]);
    });
  } catch (error) {
    // A concurrent first request created it: use theirs (this transaction's session is rolled back).
    if (error instanceof CreatedConcurrently) return (await findApiConversation(db, tenantId, conversationKey))!;
    throw error;
  }
}

class CreatedConcurrently extends Error {}
