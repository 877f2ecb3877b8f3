import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { STAFF_ACCESS_ROUTES, STAFF_LIMITS } from '@prex/protocol/wire';
import type { SetupResponse } from '@prex/protocol';
import { api } from '../api.js';
import { useAction } from '../use-action.js';
import { adoptSession } from '../auth.js';
import { access, loadAccess } from '../access/options.js';

/**
 * First-run setup: a server with no workspace yet creates the first one and its owner. The server
 * refuses once any workspace exists, so this page can only ever be used once.
 */
export default function SetupPage() {
  const { busy, error, setError, run } = useAction();
  const [created, setCreated] = useState<SetupResponse | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const field = (name: string) => String(form.get(name) ?? '');
    if (field('password') !== field('confirm')) return setError('The two passwords differ');
    const body = { workspaceName: field('workspaceName'), origin: field('origin'), ownerName: field('ownerName'), email: field('email'), password: field('password') };
    const done = await run(async () => setCreated(await api<SetupResponse>('POST', STAFF_ACCESS_ROUTES.setup, body)));
    // Refused because someone else finished setup meanwhile? Then the sign-in page is what is left.
    if (!done) await loadAccess().catch(() => undefined);
  }

  if (created) return <Keys created={created} />;
  return (
    <main class="auth">
      <h1>Set up Prex</h1>
      <p>Create your workspace and its owner account. You can invite your team next.</p>
      <form onSubmit={submit} class="stack" data-testid="setup-form">
        <label>
          Workspace name
          <input name="workspaceName" required maxLength={100} placeholder="Northwind Support" />
        </label>
        <label>
          Your site's address (where the chat will be embedded)
          <input name="origin" type="url" required placeholder="https://shop.example" />
        </label>
        <label>
          Your name
          <input name="ownerName" required maxLength={100} autocomplete="name" />
        </label>
        <label>
          Your email
          <input name="email" type="email" required autocomplete="username" />
        </label>
        <label>
          Password (at least {STAFF_LIMITS.minPasswordChars} characters)
          <input name="password" type="password" required minLength={STAFF_LIMITS.minPasswordChars} autocomplete="new-password" />
        </label>
        <label>
          Same password again
          <input name="confirm" type="password" required autocomplete="new-password" />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create workspace'}
        </button>
      </form>
    </main>
  );
}

/** The keys, once: the secret key is never shown again (only its hash is stored). */
function Keys({ created }: { created: SetupResponse }) {
  const { route } = useLocation();
  const start = () => {
    access.value = access.value && { ...access.value, needed: false };
    adoptSession(created);
    route('/console/inbox', true);
  };
  return (
    <main class="auth wide" data-testid="setup-done">
      <h1>{created.tenant.name} is ready</h1>
      <h2>Paste this on your site</h2>
      <code class="secret" data-testid="embed-snippet">
        {created.embedSnippet}
      </code>
      <h2>Secret key</h2>
      <p>For your own servers' calls to the admin API. It is shown only now: store it in your secrets manager.</p>
      <code class="secret" data-testid="secret-key">
        {created.secretKey}
      </code>
      <p>
        Publishable key (safe in pages): <code data-testid="publishable-key">{created.publishableKey}</code>
      </p>
      <button type="button" class="primary" onClick={start}>
        Go to the inbox
      </button>
    </main>
  );
}
