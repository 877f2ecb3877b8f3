import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import {
  answerProposal,
  createOrReuseEscalation,
  type AnswerOutcome,
  type EscalationResult,
  type NewEscalation,
  type StoredEscalation,
} from './repository.js';

/** Told once each time an escalation becomes open (never for a reused one); its failure is logged, not thrown. */
export type HandoffOpenedListener = (tenantId: string, escalation: StoredEscalation) => Promise<unknown>;

/**
 * The one place an escalation becomes open: the visitor's button, the classifier's handover and the
 * visitor's yes to a proposal all go through here, so the listener (the staff notice) sees each once.
 */
export interface HandoffService {
  /** Files or reuses the session's escalation (see createOrReuseEscalation). */
  openOrReuse(input: NewEscalation): Promise<EscalationResult>;
  /** The answering pipeline's seam (AnsweringSeams.createEscalation). */
  createEscalation(db: Db, input: NewEscalation): Promise<StoredEscalation>;
  /** The visitor's yes or no to a proposal (see answerProposal). */
  answer(scope: { tenantId: string; sessionId: string; escalationId: string; accept: boolean }): Promise<AnswerOutcome>;
  /** Resolves when every listener call started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
}

export function createHandoffService(deps: { db: Db; log: Logger; onOpened?: HandoffOpenedListener | undefined }): HandoffService {
  const pending = new Set<Promise<void>>();

  // Fire and forget: the visitor's response and the answer stream never wait for the listener.
  const opened = (tenantId: string, escalation: StoredEscalation) => {
    if (!deps.onOpened) return;
    const run = Promise.resolve()
      .then(() => deps.onOpened!(tenantId, escalation))
      .then(
        () => undefined,
        (error: unknown) => {
          deps.log.error('handoff listener failed', { tenantId, escalationId: escalation.id, error: error instanceof Error ? error.message : String(error) });
        },
      )
      .finally(() => pending.delete(run));
    pending.add(run);
  };

  const openOrReuseIn = async (db: Db, input: NewEscalation): Promise<EscalationResult> => {
    const result = await createOrReuseEscalation(db, input);
    // created: a new escalation or a proposal just promoted; a proposal filed as such is not open yet.
    if (result.created && result.escalation.status === 'open') opened(input.tenantId, result.escalation);
    return result;
  };

  return {
    openOrReuse: (input) => openOrReuseIn(deps.db, input),
    async createEscalation(db, input) {
      return (await openOrReuseIn(db, input)).escalation;
    },
    async answer(scope) {
      const outcome = await answerProposal(deps.db, scope);
      if (typeof outcome === 'object' && 'escalation' in outcome && outcome.escalation.status === 'open') opened(scope.tenantId, outcome.escalation);
      return outcome;
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
