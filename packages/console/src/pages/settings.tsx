import { useState } from 'preact/hooks';
import { SETTINGS_LIMITS, STAFF_SETTINGS_ROUTES } from '@prex/protocol/wire';
import type { StaffRotateSecretKeyResponse, StaffSettingsEmails, StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { session } from '../auth.js';
import { GraceSelect, graceOf } from '../settings/grace.js';
import { ChannelsSecret } from '../settings/channels.js';
import { SignedIdentities } from '../settings/identity.js';
import { Copyable, Message, type Notice } from '../settings/notice.js';
import { PublishableKey } from '../settings/publishable-key.js';
import { ImageHosts } from '../settings/image-hosts.js';
import { Retention } from '../settings/retention.js';
import { AttachmentSettingsForm } from '../settings/attachments.js';
import { VoiceInputSettings } from '../settings/voice.js';
import { SmsSettings } from '../settings/sms.js';
import { useAsync } from '../use-async.js';

/**
 * The workspace's settings (owners and admins): the sites that may load the widget, the snippet to
 * paste on them, the keys, who is emailed summaries and handoff notices, signed identities, data
 * retention, attachments and the widget's microphone. Rotating a key or the identity secret is the owner's alone; a new secret is shown once.
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
          <Keys settings={settings} onChange={setSettings} />
          <Emails emails={settings.emails} onChange={setSettings} />
          <SignedIdentities settings={settings} isOwner={isOwner()} onChange={setSettings} />
          <Retention days={settings.retention.conversationRetentionDays} onChange={setSettings} />
          <AttachmentSettingsForm />
          <ImageHosts hosts={settings.imageHosts} onChange={setSettings} />
          <VoiceInputSettings voice={settings.voice} onChange={setSettings} />
          <ChannelsSecret settings={settings} isOwner={isOwner()} />
          <SmsSettings />
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
const isOwner = () => session.value?.account.role === 'owner';

function Keys({ settings, onChange }: { settings: StaffSettingsResponse; onChange: (s: StaffSettingsResponse) => void }) {
  const [rotated, setRotated] = useState<StaffRotateSecretKeyResponse | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  async function rotate(event: Event) {
    event.preventDefault();
    const graceSeconds = graceOf(event.currentTarget as HTMLFormElement);
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
      <PublishableKey settings={settings} isOwner={isOwner()} onChange={onChange} />
      <h3>Secret key</h3>
      <p class="muted">For your servers' calls to the admin API. Only its hash is stored, so it cannot be shown again: rotate it if it is lost or leaked.</p>
      {isOwner() ? (
        <form class="row" onSubmit={rotate}>
          <GraceSelect label="Older keys keep working" />
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
