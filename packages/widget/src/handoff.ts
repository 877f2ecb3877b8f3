/**
 * Human handoff, visitor side. The answer stream says when a human is on offer
 * (`data-prex-handoff`), the visitor accepts or asks, and the backend's escalation says where
 * the conversation stands (also after a reload: GET /v1/handoff/current).
 *
 * - offered: the knowledge base had nothing; "Talk to a human" → POST /v1/handoff
 * - proposed: the agent wants to hand over; yes / no → POST /v1/handoff/:id/confirm
 * - open: the team has it and replies in this conversation
 * - declined: the visitor said no thanks (nothing more is shown)
 */
import type { Escalation, HandoffCurrentResponse, HandoffResponse } from '@prex/protocol';
import { ROUTES, handoffConfirmPath } from '@prex/protocol/wire';
import { signal } from '@preact/signals';
import { ApiError, type ApiClient } from './api.js';
import type { Emit } from './events.js';

export type HandoffStatus = 'offered' | 'proposed' | 'open' | 'declined';

export interface HandoffState {
  status: HandoffStatus;
  escalationId?: string | undefined;
  reason?: string | undefined;
}

export interface HandoffDeps {
  api: ApiClient;
  session(): Promise<string>;
  /** Shows an error with a Retry button (the pane's alert). */
  fail(error: unknown, retry: () => void): void;
  emit?: Emit | undefined;
}

export function createHandoff({ api, session, fail, emit }: HandoffDeps) {
  const state = signal<HandoffState | null>(null);
  /** A request is on its way: the buttons are disabled meanwhile (no double escalations). */
  const sending = signal(false);

  function set(next: HandoffState | null) {
    if (next?.status === 'open' && state.peek()?.status !== 'open') emit?.('handoff', next.reason ? { reason: next.reason } : {});
    state.value = next;
  }

  /** The backend's view of the escalation wins over what the widget showed. */
  function adopt(e: Escalation | null | undefined) {
    if (e?.status === 'open' || e?.status === 'proposed') set({ status: e.status, escalationId: e.id, reason: e.reason });
    else if (e?.status === 'declined') set({ status: 'declined' });
    else if (state.peek()?.status !== 'offered') set(null);
  }

  async function call(path: string, body: unknown, retry: () => void) {
    if (sending.peek()) return;
    sending.value = true;
    try {
      adopt((await api.request<HandoffResponse>(path, await session(), body)).escalation);
    } catch (e) {
      // The escalation moved on meanwhile (confirmed in another tab, resolved): show where it stands.
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) await refresh();
      else fail(e, retry);
    } finally {
      sending.value = false;
    }
  }

  /** "Talk to a human" (after an offer, or from the menu at any time). */
  const ask = (reason?: string): Promise<void> => call(ROUTES.handoff, reason ? { reason } : {}, () => void ask(reason));

  /** The visitor's answer to the agent's proposal. */
  function answer(accept: boolean): Promise<void> {
    const id = state.peek()?.escalationId;
    return id ? call(handoffConfirmPath(id), { accept }, () => void answer(accept)) : Promise.resolve();
  }

  /** Asks the backend where this conversation's escalation stands; false when it has none open. */
  async function refresh(token?: string): Promise<boolean> {
    try {
      const r = await api.request<HandoffCurrentResponse>(ROUTES.handoffCurrent, token ?? (await session()));
      adopt(r.escalation);
    } catch {
      /* an older backend without handoff, or offline: keep what is shown */
    }
    return state.peek()?.status === 'open';
  }

  return {
    state,
    sending,
    /** A `data-prex-handoff` chunk of the answer stream. */
    fromStream: (data: HandoffState) => set({ status: data.status, escalationId: data.escalationId, reason: data.reason }),
    ask,
    answer,
    refresh,
    /** A new question was asked: an offer belonged to the previous answer. */
    asked: () => state.peek()?.status === 'offered' && set(null),
    clear: () => set(null),
  };
}
export type Handoff = ReturnType<typeof createHandoff>;
