import { useState } from 'preact/hooks';
import { STAFF_SETTINGS_ROUTES } from '@prex/protocol/wire';
import type { StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { Copyable, Message, type Notice } from './notice.js';
import { GraceSelect, graceOf } from './grace.js';

/**
 * The publishable key, and its rotation (the owner's: `isOwner` only spares others a button the
 * server refuses). The replaced key keeps loading the widget for the grace chosen, so pages still
 * carrying the old snippet work while the site is redeployed; the snippet above shows the new key.
 */
export function PublishableKey({ settings, isOwner, onChange }: { settings: StaffSettingsResponse; isOwner: boolean; onChange: (s: StaffSettingsResponse) => void }) {
  const [notice, setNotice] = useState<Notice>(null);

  async function rotate(event: Event) {
    event.preventDefault();
    const graceSeconds = graceOf(event.currentTarget as HTMLFormElement);
    const when = graceSeconds === 0 ? 'at once' : 'when the grace period ends';
    if (!confirm(`Issue a new publishable key? Pages with the current snippet stop loading the widget ${when}: paste the new snippet on every page.`)) return;
    try {
      onChange(await api<StaffSettingsResponse>('POST', STAFF_SETTINGS_ROUTES.rotatePublishableKey, { graceSeconds }));
      setNotice({ ok: true, text: 'New publishable key issued: update the snippet on your pages' });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <>
      <h3>Publishable key</h3>
      <p class="muted">Public: it is in the snippet on your pages.</p>
      <Copyable label="Publishable key" text={settings.publishableKey} testId="publishable-key" />
      {settings.previousPublishableKeys.length > 0 && (
        <ul>
          {settings.previousPublishableKeys.map((k) => (
            <li key={k.publishableKey} data-testid="previous-publishable-key">
              <code>{k.publishableKey}</code> still works until {new Date(k.expiresAt).toLocaleString()}
            </li>
          ))}
        </ul>
      )}
      {isOwner ? (
        <form class="row" onSubmit={rotate}>
          <GraceSelect label="The old publishable key keeps working" />
          <button type="submit">Rotate publishable key</button>
        </form>
      ) : (
        <p>Only an owner can rotate the publishable key.</p>
      )}
      <Message notice={notice} />
    </>
  );
}
