import type { Citation } from '@prex/protocol';
import type { Db } from '../db/db.js';

/**
 * An answer with the question it answered and what was said about it: what learning
 * (knowledge/learning/) reads to decide whether the question is learned. Scoped by tenant.
 */
export interface AnsweredQuestion {
  messageId: string;
  sessionId: string;
  author: 'bot' | 'human';
  /** Only a complete answer teaches. */
  complete: boolean;
  sources: Citation[];
  rating: 'up' | 'down' | null;
  markedGood: boolean;
  /** The visitor's messages right before the answer (back to the previous answer with text), joined; undefined when none. */
  question: string | undefined;
}

/** How many earlier messages are read to find the question (a turn is rarely longer). */
const LOOK_BACK = 12;

interface Row {
  id: string;
  session_id: string;
  role: 'user' | 'assistant';
  author: 'bot' | 'human';
  status: string;
  text: string;
  sources: unknown;
  feedback_rating: 'up' | 'down' | null;
  marked_good: boolean;
}

/** The tenant's answer `messageId` and the question before it; undefined when it is no answer of this tenant. */
export async function answeredQuestion(db: Db, tenantId: string, messageId: string): Promise<AnsweredQuestion | undefined> {
  const rows = await db.query<Row>(
    `with a as (select * from messages where tenant_id = $1 and id = $2 and role = 'assistant')
     select m.id, m.session_id, m.role, m.author, m.status, m.text, m.sources, m.feedback_rating, m.marked_good
       from a join messages m on m.tenant_id = a.tenant_id and m.session_id = a.session_id
        and (m.created_at, m.position) <= (a.created_at, a.position)
      order by m.created_at desc, m.position desc
      limit ${LOOK_BACK + 1}`,
    [tenantId, messageId],
  );
  const answer = rows[0];
  if (!answer || answer.id !== messageId) return undefined;
  const asked: string[] = [];
  for (const m of rows.slice(1)) {
    if (m.role === 'assistant') {
      if (asked.length > 0 && m.text.trim() !== '') break;
      continue;
    }
    if (m.text.trim() !== '') asked.unshift(m.text.trim());
  }
  const sources = typeof answer.sources === 'string' ? (JSON.parse(answer.sources) as unknown) : answer.sources;
  return {
    messageId: answer.id,
    sessionId: answer.session_id,
    author: answer.author,
    complete: answer.status === 'complete',
    sources: Array.isArray(sources) ? (sources as Citation[]) : [],
    rating: answer.feedback_rating,
    markedGood: answer.marked_good,
    question: asked.length > 0 ? asked.join('\n') : undefined,
  };
}
