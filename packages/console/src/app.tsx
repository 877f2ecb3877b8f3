import { useEffect } from 'preact/hooks';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { messageOf } from './api.js';
import { access, loadAccess } from './access/options.js';
import { loadSession, session } from './auth.js';
import { Shell } from './components/shell.js';
import { InboxPage } from './inbox/inbox-page.js';
import { LoginPage } from './pages/login.js';
import { useAsync } from './use-async.js';

// Everything but the inbox and sign-in loads when first visited (see the budget in README.md).
const TeamPage = lazy(() => import('./pages/team.js'));
const AccountPage = lazy(() => import('./pages/account.js'));
const CannedRepliesPage = lazy(() => import('./pages/canned-replies.js'));
const AcceptInvitePage = lazy(() => import('./pages/accept-invite.js'));
const SolutionsPage = lazy(() => import('./pages/solutions.js'));
const AnalyticsPage = lazy(() => import('./pages/analytics.js'));
const SetupPage = lazy(() => import('./pages/setup.js'));
const ForgotPasswordPage = lazy(() => import('./pages/forgot-password.js'));
const ResetPasswordPage = lazy(() => import('./pages/reset-password.js'));
const SettingsPage = lazy(() => import('./pages/settings.js'));
const ThemePage = lazy(() => import('./pages/theme.js'));
const OperationsPage = lazy(() => import('./pages/operations.js'));
const KnowledgePage = lazy(() => import('./pages/knowledge.js'));
const AgentsPage = lazy(() => import('./agents/agents-page.js'));

/** Pages anyone may open signed out (they carry their own token or need none). */
const TOKEN_PAGES = new Set(['/console/accept-invite', '/console/forgot-password', '/console/reset-password']);

/** The session and how to sign in (or whether the server still needs setting up), asked together. */
const loadStart = () => Promise.all([loadSession(), loadAccess()]);

export function App() {
  return (
    <LocationProvider scope="/console">
      <ErrorBoundary>
        <Pages />
      </ErrorBoundary>
    </LocationProvider>
  );
}

function Pages() {
  const { path } = useLocation();
  const loading = useAsync(loadStart, []);
  useEffect(() => {
    document.title = session.value ? `Prex · ${session.value.tenant.name}` : 'Prex console';
  }, [session.value]);

  if (TOKEN_PAGES.has(path)) {
    return (
      <Router>
        <Route path="/console/accept-invite" component={AcceptInvitePage} />
        <Route path="/console/forgot-password" component={ForgotPasswordPage} />
        <Route path="/console/reset-password" component={ResetPasswordPage} />
      </Router>
    );
  }
  if (loading.error) return <FatalError message={messageOf(loading.error)} />;
  if (session.value === undefined || access.value === undefined) return <p class="center muted" role="status">Loading…</p>;
  if (session.value === null && access.value.needed) {
    return (
      <Router>
        <Route path="/console/setup" component={SetupPage} />
        <Route default component={SetupPage} />
      </Router>
    );
  }
  if (session.value === null) return <LoginPage />;
  return (
    <Shell>
      <Router>
        <Route path="/console/team" component={TeamPage} />
        <Route path="/console/account" component={AccountPage} />
        <Route path="/console/canned-replies" component={CannedRepliesPage} />
        <Route path="/console/solutions" component={SolutionsPage} />
        <Route path="/console/analytics" component={AnalyticsPage} />
        <Route path="/console/settings" component={SettingsPage} />
        <Route path="/console/theme" component={ThemePage} />
        <Route path="/console/operations" component={OperationsPage} />
        <Route path="/console/knowledge" component={KnowledgePage} />
        <Route path="/console/agents" component={AgentsPage} />
        <Route path="/console/inbox/:sessionId" component={InboxPage} />
        <Route default component={InboxPage} />
      </Router>
    </Shell>
  );
}

function FatalError({ message }: { message: string }) {
  return (
    <main class="center">
      <h1>Prex console</h1>
      <p role="alert">{message}</p>
      <button type="button" onClick={() => location.reload()}>
        Try again
      </button>
    </main>
  );
}
