import { useState } from 'preact/hooks';
import { SETTINGS_LIMITS, STAFF_SETTINGS_ROUTES } from '@prex/protocol/wire';
import type { StaffRotateSecretKeyResponse, StaffSettingsEmails, StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { session } from '../auth.js';
import { useAsync } from '../use-async.js';

type Notice = { ok: boolean; text: string } | null;

/**
 * The workspace's settings (owners and admins): the sites that may load the widget, the snippet to
 * paste on them, the keys, and who is emailed summaries and handoff notices. Rotating the secret
 * key is the owner's alone; the new key is shown once.
 */
export default function SettingsPage() {
  const [settings, setSettings] = useState<StaffSettingsResponse | null>(null);
  const load = useAsync(async () => setSettings(await api<StaffSettingsResponse>('GET', STAFF_SETTINGS_ROUTES.settings)), []);

  return (
    <main class="page stack">
      <h1>Settings</h1>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {settings && (
        <>
          <Origins origins={settings.allowedOrigins} onChange={setSettings} />
          <section aria-labelledby="snippet-heading">
            <h2 id="snippet-heading">Embed snippet</h2>
            <p class="muted">Paste it before &lt;/body&gt; on every page of an allowed site.</p>
            <Copyable label="Embed snippet" text={settings.embedSnippet} testId="embed-snippet" />
          </section>
          <Keys publishableKey={settings.publishableKey} />
          <Emails emails={settings.emails} onChange={setSettings} />
        </>
      )}
    </main>
  );
}

function Origins({ origins, onChange }: { origins: string[]; onChange: (s: StaffSettingsResponse) => void }) {
  const [notice, setNotice] = useState<Notice>(null);
  const change = async (method: 'POST' | 'DELETE', origin: string, done: string) => {
    try {
      const query = method === 'DELETE' ? `?origin=${encodeURIComponent(origin)}` : '';
      onChange(await api<StaffSettingsResponse>(method, STAFF_SETTINGS_ROUTES.origins + query, method === 'POST' ? { origin } : undefined));
      setNotice({ ok: true, text: done });
      return true;
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
      return false;
    }
  };
  async function add(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const origin = String(new FormData(form).get('origin')).trim();
    if (await change('POST', origin, `${origin} may now load the widget`)) form.reset();
  }

  return (
    <section aria-labelledby="origins-heading">
      <h2 id="origins-heading">Allowed origins</h2>
      <p class="muted">The widget loads only on pages of these sites (at most {SETTINGS_LIMITS.maxOrigins}).</p>
      <ul class="origin-list">
        {origins.map((origin) => (
          <li key={origin} data-testid="allowed-origin">
            <code>{origin}</code>
            <button type="button" class="link" aria-label={`Remove ${origin}`} onClick={() => change('DELETE', origin, `${origin} removed`)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form class="row" onSubmit={add}>
        <label>
          Origin
          <input name="origin" required inputMode="url" placeholder="https://shop.example" autoComplete="off" />
        </label>
        <button type="submit">Add origin</button>
      </form>
      <Message notice={notice} />
    </section>
  );
}

/** Who may rotate is decided by the server; the page only spares an admin a button that answers 403. */
function Keys({ publishableKey }: { publishableKey: string }) {
  const [rotated, setRotated] = useState<StaffRotateSecretKeyResponse | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const isOwner = session.value?.account.role === 'owner';

  async function rotate(event: Event) {
    event.preventDefault();
    const graceSeconds = Number(new FormData(event.currentTarget as HTMLFormElement).get('grace'));
    const when = graceSeconds === 0 ? 'at once' : 'after the grace period';
    if (!confirm(`Issue a new secret key? Every older secret key stops working ${when}.`)) return;
    try {
      setRotated(await api<StaffRotateSecretKeyResponse>('POST', STAFF_SETTINGS_ROUTES.rotateSecretKey, { graceSeconds }));
      setNotice(null);
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">Keys</h2>
      <h3>Publishable key</h3>
      <p class="muted">Public: it is in the snippet on your pages.</p>
      <Copyable label="Publishable key" text={publishableKey} testId="publishable-key" />
      <h3>Secret key</h3>
      <p class="muted">For your servers' calls to the admin API. Only its hash is stored, so it cannot be shown again: rotate it if it is lost or leaked.</p>
      {isOwner ? (
        <form class="row" onSubmit={rotate}>
          <label>
            Older keys keep working
            <select name="grace">
              <option value="0">Not at all (a leaked key)</option>
              <option value="3600">For 1 hour</option>
              <option value="86400">For 1 day</option>
              <option value={String(SETTINGS_LIMITS.maxGraceSeconds)}>For 1 week</option>
            </select>
          </label>
          <button type="submit">Rotate secret key</button>
        </form>
      ) : (
        <p>Only an owner can rotate the secret key.</p>
      )}
      {rotated && (
        <div class="stack" data-testid="new-secret-key">
          <p role="status" class="ok">
            The new secret key, shown only now: store it in your secrets manager. Older keys stop working{' '}
            {Date.parse(rotated.oldKeysExpireAt) <= Date.now() + 1000 ? 'now' : `at ${new Date(rotated.oldKeysExpireAt).toLocaleString()}`}.
          </p>
          <Copyable label="New secret key" text={rotated.secretKey} testId="secret-key" />
        </div>
      )}
      <Message notice={notice} />
    </section>
  );
}

function Emails({ emails, onChange }: { emails: StaffSettingsEmails; onChange: (s: StaffSettingsResponse) => void }) {
  const [notice, setNotice] = useState<Notice>(null);
  async function save(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const address = (name: string) => String(form.get(name)).trim() || null;
    const body: StaffSettingsEmails = {
      summaryEmails: { toCustomer: form.get('toCustomer') === 'on', tenantAddress: address('summaryCopy') },
      handoffEmails: { to: address('handoffTo') },
    };
    try {
      onChange(await api<StaffSettingsResponse>('PUT', STAFF_SETTINGS_ROUTES.emails, body));
      setNotice({ ok: true, text: 'Notification emails saved' });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="emails-heading">
      <h2 id="emails-heading">Notification emails</h2>
      <form class="stack narrow" onSubmit={save}>
        <label class="inline">
          <input type="checkbox" name="toCustomer" defaultChecked={emails.summaryEmails.toCustomer} />
          Email verified customers a summary when their conversation goes quiet
        </label>
        <label>
          Send a copy of every summary to (empty: nobody)
          <input type="email" name="summaryCopy" defaultValue={emails.summaryEmails.tenantAddress ?? ''} />
        </label>
        <label>
          Tell this address when a conversation is handed to a person (empty: nobody)
          <input type="email" name="handoffTo" defaultValue={emails.handoffEmails.to ?? ''} />
        </label>
        <button type="submit">Save emails</button>
      </form>
      <Message notice={notice} />
    </section>
  );
}

/** A value to copy; where the clipboard is refused, the text is selected for Ctrl+C. */
function Copyable({ label, text, testId }: { label: string; text: string; testId: string }) {
  const [copied, setCopied] = useState<Notice>(null);
  async function copy(event: Event) {
    // Read before the await: once the click is dispatched, currentTarget is null.
    const code = (event.currentTarget as HTMLElement).previousElementSibling!;
    try {
      await navigator.clipboard.writeText(text);
      setCopied({ ok: true, text: `${label} copied` });
    } catch {
      getSelection()?.selectAllChildren(code);
      setCopied({ ok: false, text: 'Copying was refused: the text is selected, press Ctrl+C (⌘C)' });
    }
  }
  return (
    <div class="copyable">
      <code class="secret" data-testid={testId}>
        {text}
      </code>
      <button type="button" class="secondary" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
        Copy
      </button>
      <Message notice={copied} />
    </div>
  );
}

function Message({ notice }: { notice: Notice }) {
  if (!notice) return null;
  return (
    <p role={notice.ok ? 'status' : 'alert'} class={notice.ok ? 'ok' : 'error'}>
      {notice.text}
    </p>
  );
}
