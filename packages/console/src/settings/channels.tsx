import { useState } from 'preact/hooks';
import { CHANNEL_API_ROUTES, CHANNEL_SECRET_ENV, channelTokenSnippet } from '@prex/protocol/wire';
import type { ChannelSecretResponse, StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { Copyable, Message, type Notice } from './notice.js';

/**
 * The channels API's secret, for the tenant's own gateways (docs/channels-api.md): whether one
 * exists, its creation or rotation (the owner's alone; the secret is shown this once and never read
 * back), and the Node code signing the gateway's token exactly as Prex verifies it.
 */
export function ChannelsSecret({ settings, isOwner }: { settings: StaffSettingsResponse; isOwner: boolean }) {
  const [exists, setExists] = useState(settings.channels.hasSecret);
  const [made, setMade] = useState<ChannelSecretResponse | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const verb = exists ? 'Rotate' : 'Create';

  async function make() {
    const warning = exists ? ' Tokens signed with the current one are refused at once, until your gateways use the new one.' : '';
    if (!confirm(`${verb} the channel secret?${warning}`)) return;
    try {
      setMade(await api<ChannelSecretResponse>('POST', CHANNEL_API_ROUTES.staffRotateSecret));
      setExists(true);
      setNotice(null);
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="channels-heading">
      <h2 id="channels-heading">Channels API</h2>
      <p class="muted">
        Your own gateway (SMS, WhatsApp, phone) sends its users' messages to <code>{CHANNEL_API_ROUTES.message}</code> with a short-lived token its server signs
        with the channel secret, kept there as <code>{CHANNEL_SECRET_ENV}</code>.
      </p>
      <p data-testid="channel-secret-state">{exists ? 'A channel secret exists. It is not shown again: rotate it if it is lost or leaked.' : 'No channel secret yet.'}</p>
      {isOwner ? (
        <button type="button" onClick={make}>
          {verb} channel secret
        </button>
      ) : (
        <p>Only an owner can create or rotate the channel secret.</p>
      )}
      {made && (
        <div class="stack" data-testid="new-channel-secret">
          <p role="status" class="warning">
            The channel secret, shown only now: set it as {CHANNEL_SECRET_ENV} on your gateway's server. Tokens signed with any older one are refused from now on.
          </p>
          <Copyable label="Channel secret" text={made.channelSecret} testId="channel-secret" />
          <dl>
            <dt>Issuer (iss)</dt>
            <dd>
              <code data-testid="channel-issuer">{made.issuer}</code>
            </dd>
            <dt>Audience (aud)</dt>
            <dd>
              <code data-testid="channel-audience">{made.audience}</code>
            </dd>
          </dl>
        </div>
      )}
      <Message notice={notice} />
      <h3>Signing the gateway's token (Node, jose)</h3>
      <Copyable label="Channel token snippet" text={channelTokenSnippet(settings.tenantId, location.origin)} testId="channel-snippet" />
    </section>
  );
}
