import { inboxTopic, type ConversationBus } from '../bus/index.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import type { ConversationScope } from './event-log.js';

/**
 * The conversation's working state for the staff inbox (table conversation_states): every place
 * that stores a message or changes a handoff tells it here, in one call, what happened. The status
 * rules live in this file only:
 * - a visitor message wakes a resolved or snoozed conversation: pending, or open while a handoff is open;
 * - a handoff opened makes it open, resolved makes it resolved;
 * - any of these is activity: updated_at moves (the inbox's order).
 * A conversation without a row yet gets one with the default status (open if a handoff is open,
 * else pending). Then the tenant's inboxes hear of it on the bus.
 */
export type ConversationChange = 'visitor-message' | 'bot-answer' | 'staff-reply' | 'handoff-opened' | 'handoff-resolved';

export interface WorkingStateDeps {
  db: Db;
  log: Logger;
  /** Where the tenant's inboxes listen; none: the state is kept and nobody is told (tests). */
  bus?: ConversationBus | undefined;
}

/** The status of a conversation seen for the first time: a person has it when a handoff is open. */
export const DEFAULT_STATUS_SQL = (tenant: string, session: string) =>
  `case when exists (select 1 from escalations e where e.tenant_id = ${tenant} and e.session_id = ${session} and e.status = 'open')
        then 'open' else 'pending' end`;

/** Activity times are whole milliseconds: the inbox's page cursor travels as JSON (see 022_inbox.sql). */
export const NOW_MS_SQL = `date_trunc('milliseconds', clock_timestamp())`;

const INITIAL: Record<ConversationChange, string> = {
  'visitor-message': DEFAULT_STATUS_SQL('$1', '$2'),
  'bot-answer': DEFAULT_STATUS_SQL('$1', '$2'),
  'staff-reply': DEFAULT_STATUS_SQL('$1', '$2'),
  'handoff-opened': `'open'`,
  'handoff-resolved': `'resolved'`,
};

/** The status after the change, from the stored one (cs) and the initial one computed above (excluded). */
const NEXT: Record<ConversationChange, string> = {
  'visitor-message': `case when cs.status in ('resolved', 'snoozed') then excluded.status else cs.status end`,
  'bot-answer': 'cs.status',
  'staff-reply': 'cs.status',
  'handoff-opened': `'open'`,
  'handoff-resolved': `'resolved'`,
};

/**
 * Records `change` in the conversation's working state and tells the tenant's inboxes. Never
 * throws: the message or handoff that happened is stored already, and the inbox must not fail it.
 */
export async function touchConversation(deps: WorkingStateDeps, scope: ConversationScope, change: ConversationChange): Promise<void> {
  try {
    await deps.db.query(conversationChangeSql(change), [scope.tenantId, scope.sessionId]);
  } catch (error) {
    deps.log.warn('could not update the conversation state', { sessionId: scope.sessionId, change, error: error instanceof Error ? error.message : String(error) });
  }
  await announceInboxChange(deps, scope);
}

/**
 * The statement recording `change`, with the tenant as $1 and the session as $2. touchConversation
 * runs it alone; a statement that stores a message may run it as one of its own CTEs, so the
 * message and the state it changes take one round trip (messages.ts, insertQuestionAndAnswer).
 * Then the caller announces the change (announceInboxChange).
 */
export function conversationChangeSql(change: ConversationChange): string {
  const next = NEXT[change];
  return `insert into conversation_states as cs (tenant_id, session_id, status, updated_at)
       values ($1, $2, ${INITIAL[change]}, ${NOW_MS_SQL})
       on conflict (tenant_id, session_id) do update
          set status = ${next},
              snoozed_until = case when ${next} = 'snoozed' then cs.snoozed_until end,
              updated_at = greatest(cs.updated_at, excluded.updated_at)`;
}

/** Tells the tenant's inboxes (every instance) that this conversation changed; best effort. */
export async function announceInboxChange(deps: Pick<WorkingStateDeps, 'bus' | 'log'>, scope: ConversationScope): Promise<void> {
  await deps.bus?.publish(inboxTopic(scope.tenantId), { kind: 'inbox-changed', sessionId: scope.sessionId }).catch((error: unknown) => {
    deps.log.warn('could not announce an inbox change', { sessionId: scope.sessionId, error: String(error) });
  });
}

/**
 * True when the tenant has this conversation; gives it a state row first if it had none (a session
 * whose state was never recorded: made before the inbox existed, or without a message yet), so
 * every later read and change finds one.
 */
export async function ensureConversation(db: Db, tenantId: string, sessionId: string): Promise<boolean> {
  const rows = await db.query<{ session_id: string }>(
    `with made as (
       insert into conversation_states (tenant_id, session_id, status, updated_at)
       select s.tenant_id, s.id, ${DEFAULT_STATUS_SQL('s.tenant_id', 's.id')},
              date_trunc('milliseconds', greatest(s.created_at, (select max(m.created_at) from messages m where m.tenant_id = s.tenant_id and m.session_id = s.id)))
         from sessions s where s.tenant_id = $1 and s.id = $2
       on conflict (tenant_id, session_id) do nothing
       returning session_id)
     select session_id from made
     union all
     select session_id from conversation_states where tenant_id = $1 and session_id = $2`,
    [tenantId, sessionId],
  );
  return rows.length > 0;
}
