import { useRef, useState } from 'preact/hooks';
import type { Store } from '../store.js';
import { MoreIcon } from './icons.js';

/**
 * The header's "more" menu, a disclosure (button + list of buttons, Tab to move, Escape to
 * close): a new conversation, the earlier ones, talk to a human at any time, email this
 * conversation, the account and data panel.
 */
export function Menu({ store, onNewChat }: { store: Store; onNewChat: () => void }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const t = store.strings.value;
  const human = store.handoff.state.value?.status === 'open';
  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const item = (id: string, label: string, run: () => void) => (
    <li>
      <button
        type="button"
        class="prex-menu-item"
        data-testid={id}
        onClick={() => {
          // Back to the menu button (the item is gone); a view that opens moves focus on itself.
          close();
          run();
        }}
      >
        {label}
      </button>
    </li>
  );
  const account = (intent: 'profile' | 'email') => () => store.show('account', intent);
  return (
    <div
      class="prex-menu"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          close();
        }
      }}
      onFocusOut={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={button}
        type="button"
        class="prex-hbtn"
        data-testid="prex-menu-button"
        aria-label={t.more}
        title={t.more}
        aria-expanded={open ? 'true' : 'false'}
        aria-controls="prex-menu"
        onClick={() => setOpen(!open)}
      >
        <MoreIcon />
      </button>
      {open && (
        <ul id="prex-menu" class="prex-menu-list" data-testid="prex-menu">
          {item('prex-new-chat', t.newChat, () => {
            store.newConversation();
            onNewChat();
          })}
          {item('prex-history-button', t.history, () => store.show('history'))}
          {!human && item('prex-menu-human', t.talkToHuman, () => void store.handoff.ask())}
          {item('prex-menu-email', t.emailChat, account('email'))}
          {item('prex-menu-account', t.account, account('profile'))}
        </ul>
      )}
    </div>
  );
}
