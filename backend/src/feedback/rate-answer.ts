import type { Db } from '../db/db.js';
import { saveFeedback, type SavedFeedback } from '../conversations/annotations.js';
import { learnFromAnswer } from '../knowledge/learning/index.js';

/**
 * A visitor's rating of an answer: stored with it, then what the answer teaches brought up to date
 * (rated up: its question is learned for the passages it cited; rated down: nothing is). The one
 * path the feedback route and `prex eval … --learn` share.
 */
export async function rateAnswer(
  db: Db,
  f: { tenantId: string; sessionId: string; messageId: string; rating: 'up' | 'down'; comment: string | null },
): Promise<SavedFeedback | 'missing' | 'streaming'> {
  const saved = await saveFeedback(db, f);
  if (typeof saved === 'object') await learnFromAnswer(db, f.tenantId, f.messageId);
  return saved;
}
