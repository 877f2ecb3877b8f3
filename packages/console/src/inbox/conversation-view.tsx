import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { STAFF_INBOX_ROUTES } from '@prex/protocol/wire';
import type { AdminConversationMessage, InboxUpdate, StaffNote } from '@prex/protocol';
import { api, messageOf, path } from '../api.js';
import { AttachmentList } from './attachment-list.js';
import { Composer } from './composer.js';
import { lastStaffAnswer, questionBefore, SaveSolution } from './save-solution.js';
import { shortTime } from './time.js';
import { useShortcuts } from './shortcuts.js';
import { opened, openError, reloadOpened, typing } from './store.js';
import { session } from '../auth.js';

type ThreadItem = { kind: 'message'; at: string; message: AdminConversationMessage } | { kind: 'note'; at: string; note: StaffNote };

/** Messages and private notes, in the order they happened. */
function threadItems(messages: AdminConversationMessage[], notes: StaffNote[]): ThreadItem[] {
  const items: ThreadItem[] = [
    ...messages.map((message) => ({ kind: 'message' as const, at: message.createdAt, message })),
    ...notes.map((note) => ({ kind: 'note' as const, at: note.createdAt, note })),
  ];
  return items.sort((a, b) => a.at.localeCompare(b.at));
}

export function ConversationView({ sessionId }: { sessionId: string | null }) {
  const [actionError, setActionError] = useState<string | null>(null);
  const [solutionDraft, setSolutionDraft] = useState<{ sessionId: string; question: string; answer: string } | null>(null);
  const current = opened.value;
  /** Runs a change, then reads the conversation again; false (with the reason shown) when it failed. */
  const act = async (work: () => Promise<unknown>): Promise<boolean> => {
    setActionError(null);
    try {
      await work();
      await reloadOpened();
      return true;
    } catch (error) {
      setActionError(messageOf(error));
      return false;
    }
  };
  const update = (change: InboxUpdate) => act(() => api('PATCH', path(STAFF_INBOX_ROUTES.conversation, { sessionId: sessionId! }), change));
  /** Resolving offers to save the team's last answer as a solution. */
  const resolve = async () => {
    if (!(await update({ status: 'resolved' }))) return;
    const answered = current && lastStaffAnswer(current.thread.messages);
    if (answered && sessionId) setSolutionDraft({ sessionId, ...answered });
  };
  useShortcuts({
    reply: () => document.getElementById('composer')?.focus(),
    resolve: () => sessionId && current && current.details.conversation.status !== 'resolved' && void resolve(),
  });

  if (!sessionId) return <section class="thread empty muted">Pick a conversation.</section>;
  if (openError.value) {
    return (
      <section class="thread">
        <p role="alert">{openError.value}</p>
      </section>
    );
  }
  if (!current || current.sessionId !== sessionId) {
    return (
      <section class="thread muted" role="status">
        Loading the conversation…
      </section>
    );
  }
  const { conversation, notes, otherConversations } = current.details;
  const me = session.value!.account;
  const handoffOpen = current.thread.escalations.some((e) => e.status === 'open');
  const writer = typing.value[sessionId];

  return (
    <section class="thread" aria-label="Conversation" data-testid="conversation" data-status={conversation.status}>
      <header class="thread-head">
        <h2>{conversation.customer?.name ?? conversation.customer?.email ?? 'Visitor'}</h2>
        <span class={`status status-${conversation.status}`} data-testid="conversation-status">
          {conversation.status}
        </span>
        <div class="actions">
          {conversation.assignee?.id === me.id ? (
            <button type="button" onClick={() => update({ assigneeId: null })}>
              Unassign me
            </button>
          ) : (
            <button type="button" onClick={() => update({ assigneeId: me.id })}>
              Assign to me
            </button>
          )}
          {handoffOpen && (
            <button type="button" onClick={() => act(() => api('POST', path(STAFF_INBOX_ROUTES.handBack, { sessionId })))}>
              Hand back to the bot
            </button>
          )}
          <button type="button" onClick={() => update({ status: 'snoozed', snoozedUntil: new Date(Date.now() + 3600_000).toISOString() })}>
            Snooze 1 h
          </button>
          {conversation.status === 'resolved' ? (
            <button type="button" onClick={() => update({ status: 'open' })}>
              Reopen
            </button>
          ) : (
            <button type="button" class="primary" onClick={resolve} aria-keyshortcuts="e">
              Resolve
            </button>
          )}
        </div>
      </header>
      {actionError && (
        <p role="alert" class="error">
          {actionError}
        </p>
      )}
      <div class="thread-body">
        <ol class="messages" data-testid="thread">
          {threadItems(current.thread.messages, notes).map((item) =>
            item.kind === 'note' ? (
              <NoteItem key={item.note.id} note={item.note} />
            ) : (
              <MessageItem
                key={item.message.id}
                message={item.message}
                onSaveAsSolution={() => {
                  const messages = current.thread.messages;
                  setSolutionDraft({ sessionId, question: questionBefore(messages, messages.indexOf(item.message)), answer: item.message.text });
                }}
              />
            ),
          )}
        </ol>
        <CustomerCard details={current.details} others={otherConversations} />
      </div>
      {solutionDraft?.sessionId === sessionId && <SaveSolution key={solutionDraft.answer} sessionId={sessionId} initial={solutionDraft} onDone={() => setSolutionDraft(null)} />}
      {writer && (
        <p class="muted typing" role="status">
          {writer} is typing…
        </p>
      )}
      <Composer key={sessionId} sessionId={sessionId} onSent={reloadOpened} />
    </section>
  );
}

function MessageItem({ message: m, onSaveAsSolution }: { message: AdminConversationMessage; onSaveAsSolution(): void }) {
  const from = m.role === 'user' ? 'visitor' : m.author === 'human' ? 'staff' : 'bot';
  return (
    <li class={`message from-${from}`} data-testid="thread-message" data-from={from}>
      <span class="author">
        {from === 'bot' && (
          <span class="robot" role="img" aria-label="AI answer" title="Answered by the AI">
            🤖
          </span>
        )}
        {from === 'visitor' ? 'Visitor' : from === 'bot' ? 'AI' : (m.authorName ?? 'Support team')}
        <time dateTime={m.createdAt}>{shortTime(m.createdAt)}</time>
        {m.label && <span class="tag">{m.label}</span>}
      </span>
      {(m.text || !m.attachments) && <p class="text">{m.text || (m.status === 'streaming' ? '…' : '')}</p>}
      {m.attachments && <AttachmentList attachments={m.attachments} />}
      {m.sources.length > 0 && (
        <p class="sources muted">
          Sources:{' '}
          {m.sources.map((s, i) => (
            <span key={i} class="source">
              {s.title}
            </span>
          ))}
        </p>
      )}
      {m.toolCalls.length > 0 && <p class="muted">Tools: {m.toolCalls.map((t) => t.name).join(', ')}</p>}
      {m.feedback && (
        <p class="feedback" data-testid="feedback">
          {m.feedback.rating === 'up' ? '👍 Helpful' : '👎 Not helpful'}
          {m.feedback.comment ? ` — “${m.feedback.comment}”` : ''}
        </p>
      )}
      {from !== 'visitor' && m.text && (
        <button type="button" class="link small" onClick={onSaveAsSolution}>
          Save as solution
        </button>
      )}
    </li>
  );
}

function NoteItem({ note }: { note: StaffNote }) {
  return (
    <li class="message note" data-testid="thread-note">
      <span class="author">
        Private note · {note.author.name ?? note.author.email}
        <time dateTime={note.createdAt}>{shortTime(note.createdAt)}</time>
      </span>
      <p class="text">{note.text}</p>
    </li>
  );
}

type Attributes = Record<string, string | number | boolean>;
type CustomerOfCard = { email: string | null; phone: string | null; name: string | null; attributes?: Attributes | undefined; verifiedAttributes?: string[] | undefined };

function CustomerCard({ details, others }: { details: { conversation: { customer: CustomerOfCard | null; channel: string; createdAt: string } }; others: { sessionId: string; status: string; updatedAt: string }[] }) {
  const { customer, channel, createdAt } = details.conversation;
  return (
    <aside class="customer" aria-label="Customer" data-testid="customer-card">
      <h3>Customer</h3>
      {customer ? (
        <dl>
          {customer.name && (
            <>
              <dt>Name</dt>
              <dd>{customer.name}</dd>
            </>
          )}
          {customer.email && (
            <>
              <dt>Email</dt>
              <dd>{customer.email} ✓ verified</dd>
            </>
          )}
          {customer.phone && (
            <>
              <dt>Phone</dt>
              <dd>{customer.phone}</dd>
            </>
          )}
        </dl>
      ) : (
        <p class="muted">Not identified (no verified email).</p>
      )}
      {customer?.attributes && Object.keys(customer.attributes).length > 0 && <CustomerAttributes attributes={customer.attributes} verified={customer.verifiedAttributes ?? []} />}
      <p class="muted">
        Via {channel === 'sms' ? 'SMS' : channel === 'api' ? 'the gateway API' : 'the website'} · since {new Date(createdAt).toLocaleString()}
      </p>
      {others.length > 0 && (
        <>
          <h4>Other conversations</h4>
          <ul>
            {others.map((o) => (
              <li key={o.sessionId}>
                <a href={`/console/inbox/${o.sessionId}`}>
                  {o.status} · {shortTime(o.updatedAt)}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

/**
 * What the host page said about its user with identify (plan, company…), as it said it; text nodes
 * only. Each is marked verified (signed by the tenant's server, in the identity token) or unverified
 * (sent by the browser beside the signature: the visitor could have changed it), so staff know
 * which they may act on.
 */
function CustomerAttributes({ attributes, verified }: { attributes: Attributes; verified: string[] }) {
  const signed = new Set(verified);
  const anyUnverified = Object.keys(attributes).some((key) => !signed.has(key));
  return (
    <>
      <h4>Attributes</h4>
      <dl class="attributes" data-testid="customer-attributes">
        {Object.entries(attributes).map(([key, value]) => (
          <Fragment key={key}>
            <dt>{key}</dt>
            <dd data-verified={signed.has(key) ? 'true' : 'false'}>
              <span class="value">{String(value)}</span>{' '}
              {signed.has(key) ? (
                <span class="badge verified" title="Signed by your server in the identity token">
                  ✓ verified
                </span>
              ) : (
                <span class="badge unverified" title="Sent by the visitor's browser beside the signature: it could have been changed">
                  unverified
                </span>
              )}
            </dd>
          </Fragment>
        ))}
      </dl>
      {anyUnverified && <p class="muted hint">Unverified attributes came from the visitor's browser: do not grant a refund or an entitlement on them alone.</p>}
    </>
  );
}
