import type { ConversationBus } from '../bus/index.js';
import { announceConversationEvent } from '../conversations/announce.js';
import { appendConversationEvent } from '../conversations/event-log.js';
import { touchConversation } from '../conversations/working-state.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../logger.js';
import {
  answerProposal,
  createOrReuseEscalation,
  resolveEscalation,
  type AnswerOutcome,
  type ResolveOutcome,
  type EscalationResult,
  type NewEscalation,
  type StoredEscalation,
} from './repository.js';

/** Told once each time an escalation becomes open (never for a reused one); its failure is logged, not thrown. */
export type HandoffOpenedListener = (tenantId: string, escalation: StoredEscalation) => Promise<unknown>;

/**
 * The one place an escalation becomes open or resolved: the visitor's button, the classifier's
 * handover, the visitor's yes to a proposal and the team's resolve all go through here, so the
 * listener (the staff notice) sees each opening once, and the conversation's event log (the
 * widget's live stream, on every instance) gets each change once.
 */
export interface HandoffService {
  /** Files or reuses the session's escalation (see createOrReuseEscalation). */
  openOrReuse(input: NewEscalation): Promise<EscalationResult>;
  /** The answering pipeline's seam (AnsweringSeams.createEscalation). */
  createEscalation(db: Db, input: NewEscalation): Promise<StoredEscalation>;
  /** The visitor's yes or no to a proposal (see answerProposal). */
  answer(scope: { tenantId: string; sessionId: string; escalationId: string; accept: boolean }): Promise<AnswerOutcome>;
  /** The team closes an escalation (see resolveEscalation); the bot answers the visitor again. */
  resolve(tenantId: string, escalationId: string): Promise<ResolveOutcome>;
  /** Resolves when every listener call started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
}

export interface HandoffServiceDeps {
  db: Db;
  log: Logger;
  /** Where the conversation's streams hear of state changes; none: nothing is announced (tests). */
  bus?: ConversationBus | undefined;
  onOpened?: HandoffOpenedListener | undefined;
}

export function createHandoffService(deps: HandoffServiceDeps): HandoffService {
  const pending = new Set<Promise<void>>();

  /** Fire and forget, tracked: the visitor's response and the answer stream never wait for it. */
  const background = (what: string, tenantId: string, escalation: StoredEscalation, work: () => Promise<unknown>) => {
    const run = Promise.resolve()
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => {
          deps.log.error(`handoff ${what} failed`, { tenantId, escalationId: escalation.id, error: error instanceof Error ? error.message : String(error) });
        },
      )
      .finally(() => pending.delete(run));
    pending.add(run);
  };

  /** Logs the state in the conversation's event log and tells its streams, and the staff inbox. */
  const logState = async (tenantId: string, escalation: StoredEscalation, status: 'open' | 'resolved') => {
    const scope = { tenantId, sessionId: escalation.sessionId };
    const seq = await appendConversationEvent(deps.db, scope, { kind: 'handoff', status, escalationId: escalation.id });
    if (deps.bus) await announceConversationEvent({ bus: deps.bus, log: deps.log }, scope, seq);
    await touchConversation(deps, scope, status === 'open' ? 'handoff-opened' : 'handoff-resolved');
  };

  const opened = (tenantId: string, escalation: StoredEscalation) => {
    background('event log', tenantId, escalation, () => logState(tenantId, escalation, 'open'));
    if (deps.onOpened) background('listener', tenantId, escalation, () => deps.onOpened!(tenantId, escalation));
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
    async resolve(tenantId, escalationId) {
      const outcome = await resolveEscalation(deps.db, tenantId, escalationId);
      // Logged before the team's response: the widget hears of it whichever instance it streams from.
      if (typeof outcome === 'object' && outcome.changed) await logState(tenantId, outcome.escalation, 'resolved');
      return outcome;
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
