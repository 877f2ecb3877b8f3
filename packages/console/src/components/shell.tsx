import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { messageOf } from '../api.js';
import { session, signOut } from '../auth.js';

const NAV = [
  { href: '/console/inbox', label: 'Inbox', roles: ['owner', 'admin', 'agent'] },
  { href: '/console/canned-replies', label: 'Canned replies', roles: ['owner', 'admin', 'agent'] },
  { href: '/console/solutions', label: 'Solutions', roles: ['owner', 'admin', 'agent'] },
  { href: '/console/knowledge', label: 'Knowledge', roles: ['owner', 'admin', 'agent'] },
  { href: '/console/analytics', label: 'Analytics', roles: ['owner', 'admin', 'agent'] },
  { href: '/console/agents', label: 'Agents', roles: ['owner', 'admin', 'agent'] },
  { href: '/console/team', label: 'Team', roles: ['owner', 'admin'] },
  { href: '/console/settings', label: 'Settings', roles: ['owner', 'admin'] },
  { href: '/console/theme', label: 'Theme', roles: ['owner', 'admin'] },
  { href: '/console/operations', label: 'Operations', roles: ['owner', 'admin'] },
] as const;

/** The signed-in frame: workspace name, navigation, who is signed in, sign out. */
export function Shell({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const me = session.value!;
  const out = (everywhere: boolean) => signOut(everywhere).catch((error: unknown) => alert(messageOf(error)));
  return (
    <div class="shell">
      <header class="topbar">
        <span class="brand">Prex</span>
        <span class="workspace" data-testid="workspace-name">
          {me.tenant.name}
        </span>
        <nav aria-label="Console">
          {NAV.filter((item) => (item.roles as readonly string[]).includes(me.account.role)).map((item) => (
            <a key={item.href} href={item.href} aria-current={path.startsWith(item.href) || (item.href === '/console/inbox' && path === '/console/') ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <a class="me" data-testid="signed-in-as" href="/console/account" title="Your account: change your password" aria-current={path === '/console/account' ? 'page' : undefined}>
          {me.account.email} · {me.account.role}
        </a>
        <button type="button" class="link" onClick={() => out(false)}>
          Sign out
        </button>
        <button type="button" class="link" onClick={() => out(true)} title="End every session of this account, on every device">
          Sign out everywhere
        </button>
      </header>
      {children}
    </div>
  );
}
