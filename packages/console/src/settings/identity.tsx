import { useState } from 'preact/hooks';
import { IDENTITY_SECRET_ENV, IDENTITY_SNIPPETS, STAFF_SETTINGS_ROUTES, type IdentitySigningMethod } from '@prex/protocol/wire';
import type { StaffRotateIdentitySecretResponse, StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { Copyable, Message, type Notice } from './notice.js';

const LANGUAGES = [...new Set(IDENTITY_SNIPPETS.map((s) => s.language))];

/**
 * Signed identities: whether the widget refuses identities the site did not sign (owners and
 * admins), the identity secret's rotation (the owner's; the new secret is shown this once and
 * never read back), and the server code that signs, in the language the tenant picks.
 */
export function SignedIdentities({ settings, isOwner, onChange }: { settings: StaffSettingsResponse; isOwner: boolean; onChange: (s: StaffSettingsResponse) => void }) {
  const [notice, setNotice] = useState<Notice>(null);

  async function save(event: Event) {
    event.preventDefault();
    const requireSignedIdentity = new FormData(event.currentTarget as HTMLFormElement).get('requireSigned') === 'on';
    try {
      onChange(await api<StaffSettingsResponse>('PUT', STAFF_SETTINGS_ROUTES.identity, { requireSignedIdentity }));
      setNotice({ ok: true, text: requireSignedIdentity ? 'Unsigned identities are now refused' : 'Unsigned identities are now ignored' });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="identity-heading">
      <h2 id="identity-heading">Signed identities</h2>
      <p class="muted">
        Your server signs the id of the signed-in user with the identity secret; the page passes it on with <code>Prex('identify', …)</code>. Only a signed
        identity links a visitor to their conversations on every device.
      </p>
      <form class="stack narrow" onSubmit={save}>
        <label class="inline">
          <input type="checkbox" name="requireSigned" defaultChecked={settings.identity.requireSignedIdentity} />
          Require signed identities (refuse an identify call without a valid signature, or with attributes outside the signed token)
        </label>
        <button type="submit">Save identity setting</button>
      </form>
      <Message notice={notice} />
      <IdentitySecret isOwner={isOwner} />
      <Snippets />
    </section>
  );
}

function IdentitySecret({ isOwner }: { isOwner: boolean }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  async function rotate() {
    if (!confirm('Issue a new identity secret? Identities signed with the current one stop verifying at once, until your servers use the new one.')) return;
    try {
      setSecret((await api<StaffRotateIdentitySecretResponse>('POST', STAFF_SETTINGS_ROUTES.rotateIdentitySecret)).identitySecret);
      setNotice(null);
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <>
      <h3>Identity secret</h3>
      <p class="muted">
        Kept on your servers as <code>{IDENTITY_SECRET_ENV}</code>, never in a web page. It is not shown here again: rotate it to get one, or if it leaked.
      </p>
      {isOwner ? (
        <button type="button" onClick={rotate}>
          Rotate identity secret
        </button>
      ) : (
        <p>Only an owner can rotate the identity secret.</p>
      )}
      {secret && (
        <div class="stack" data-testid="new-identity-secret">
          <p role="status" class="warning">
            The new identity secret, shown only now: set it as {IDENTITY_SECRET_ENV} on your servers at once. Identities signed with the old one are refused from now
            on.
          </p>
          <Copyable label="New identity secret" text={secret} testId="identity-secret" />
        </div>
      )}
      <Message notice={notice} />
    </>
  );
}

function Snippets() {
  const [language, setLanguage] = useState(LANGUAGES[0]!);
  const [method, setMethod] = useState<IdentitySigningMethod>('hmac');
  const snippet = IDENTITY_SNIPPETS.find((s) => s.language === language && s.method === method)!;
  return (
    <>
      <h3>Signing on your server</h3>
      <div class="row">
        <label>
          Language
          <select value={language} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value as typeof language)}>
            {LANGUAGES.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Signing method
          <select value={method} onChange={(e) => setMethod((e.currentTarget as HTMLSelectElement).value as IdentitySigningMethod)}>
            <option value="hmac">HMAC-SHA256 of the user id</option>
            <option value="jwt">JWT (HS256, can carry email, name and verified attributes)</option>
          </select>
        </label>
      </div>
      <Copyable label={`${language} ${method === 'hmac' ? 'HMAC' : 'JWT'} snippet`} text={snippet.code} testId="identity-snippet" />
    </>
  );
}
