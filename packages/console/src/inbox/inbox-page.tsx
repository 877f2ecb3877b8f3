import { useEffect } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import type { ConversationStatus, InboxConversation } from '@prex/protocol';
import { MESSAGE_LABELS } from '@prex/protocol/wire';
import { ConversationView } from './conversation-view.js';
import { liveState, followInbox } from './live.js';
import { agents, conversations, counts, filters, listError, listLoaded, loadAgents, openConversation, refreshList, setFilters, typing } from './store.js';
import { useShortcuts } from './shortcuts.js';
import { shortTime } from './time.js';

const STATUSES: { value: ConversationStatus; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Bot' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'resolved', label: 'Resolved' },
];

export function InboxPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const selected = params.sessionId ?? null;
  useEffect(() => {
    void refreshList();
    void loadAgents();
    return followInbox();
  }, []);
  useEffect(() => openConversation(selected), [selected]);
  const select = (sessionId: string) => route(`/console/inbox/${sessionId}`);
  useShortcuts({
    next: () => step(1),
    previous: () => step(-1),
  });
  function step(by: number) {
    const list = conversations.value;
    if (list.length === 0) return;
    const at = list.findIndex((c) => c.sessionId === selected);
    const next = list[Math.min(list.length - 1, Math.max(0, at === -1 ? 0 : at + by))]!;
    select(next.sessionId);
    document.getElementById(`conv-${next.sessionId}`)?.focus();
  }

  return (
    <div class="inbox">
      <section class="inbox-list" aria-label="Conversations">
        <Filters />
        <p class={`live live-${liveState.value}`} role="status" data-testid="live-state">
          {liveState.value === 'live' ? 'Live' : liveState.value === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </p>
        {listError.value && (
          <p role="alert" class="error">
            {listError.value}
          </p>
        )}
        {listLoaded.value && conversations.value.length === 0 && <p class="muted empty">No conversations here.</p>}
        <ul class="conversations" data-testid="conversation-list">
          {conversations.value.map((c) => (
            <ConversationRow key={c.sessionId} conversation={c} selected={c.sessionId === selected} onSelect={select} />
          ))}
        </ul>
        <p class="muted hint">Shortcuts: j/k next/previous · r reply · e resolve</p>
      </section>
      <ConversationView sessionId={selected} />
    </div>
  );
}

function Filters() {
  const f = filters.value;
  return (
    <div class="filters">
      <div role="group" aria-label="Status" class="tabs">
        {STATUSES.map((s) => (
          <button key={s.value} type="button" aria-pressed={f.status === s.value} onClick={() => setFilters({ ...f, status: s.value })} data-testid={`status-${s.value}`}>
            {s.label} <span class="count">{counts.value[s.value] ?? 0}</span>
          </button>
        ))}
      </div>
      <div class="row">
        <label>
          Assignee
          <select value={f.assignee ?? ''} onChange={(e) => setFilters({ ...f, assignee: ((e.currentTarget as HTMLSelectElement).value || undefined) as typeof f.assignee })}>
            <option value="">Anyone</option>
            <option value="me">Me</option>
            <option value="unassigned">Unassigned</option>
          </select>
        </label>
        <label>
          Channel
          <select value={f.channel ?? ''} onChange={(e) => setFilters({ ...f, channel: ((e.currentTarget as HTMLSelectElement).value || undefined) as typeof f.channel })}>
            <option value="">All</option>
            <option value="widget">Website</option>
            <option value="sms">SMS</option>
            <option value="api">Gateway API</option>
          </select>
        </label>
        <label>
          Label
          <select value={f.label ?? ''} onChange={(e) => setFilters({ ...f, label: (e.currentTarget as HTMLSelectElement).value || undefined })} data-testid="label-filter">
            <option value="">Any</option>
            {MESSAGE_LABELS.map((label) => (
              <option key={label} value={label}>
                {label.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        {agents.value.length > 1 && (
          <label>
            Agent
            <select value={f.agentId ?? ''} onChange={(e) => setFilters({ ...f, agentId: (e.currentTarget as HTMLSelectElement).value || undefined })} data-testid="agent-filter">
              <option value="">Any</option>
              {agents.value.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
    </div>
  );
}

function who(c: InboxConversation): string {
  return c.customer?.name ?? c.customer?.email ?? c.customer?.phone ?? `Visitor ${c.sessionId.slice(4, 10)}`;
}

function ConversationRow({ conversation: c, selected, onSelect }: { conversation: InboxConversation; selected: boolean; onSelect(id: string): void }) {
  const writer = typing.value[c.sessionId];
  return (
    <li>
      <a
        id={`conv-${c.sessionId}`}
        href={`/console/inbox/${c.sessionId}`}
        class={`conversation-row${selected ? ' selected' : ''}${c.unread ? ' unread' : ''}`}
        aria-current={selected ? 'true' : undefined}
        data-testid="conversation-row"
        data-session-id={c.sessionId}
        onClick={(e) => {
          e.preventDefault();
          onSelect(c.sessionId);
        }}
      >
        <span class="row-top">
          <span class="who">{who(c)}</span>
          {c.channel === 'sms' && <span class="badge">SMS</span>}
          {c.channel === 'api' && <span class="badge">API</span>}
          {c.unread > 0 && (
            <span class="badge unread-count" data-testid="unread" aria-label={`${c.unread} unread`}>
              {c.unread}
            </span>
          )}
          <time dateTime={c.updatedAt}>{shortTime(c.updatedAt)}</time>
        </span>
        <span class="preview">{writer ? `${writer} is typing…` : c.lastMessage ? `${c.lastMessage.from === 'visitor' ? '' : c.lastMessage.from === 'bot' ? 'AI: ' : 'You: '}${c.lastMessage.text}` : 'No messages yet'}</span>
        <span class="row-meta">
          {c.label && <span class="tag">{c.label}</span>}
          {c.assignee && <span class="muted">→ {c.assignee.name ?? c.assignee.email}</span>}
        </span>
      </a>
    </li>
  );
}
