import { useState } from 'preact/hooks';
import { SETTINGS_LIMITS, STAFF_SETTINGS_ROUTES } from '@prex/protocol/wire';
import type { StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { Message, type Notice } from './notice.js';

/**
 * Data retention (owners and admins): conversations with no activity for longer than the period are
 * deleted for good by the server's hourly sweep. Empty keeps them, the default.
 */
export function Retention({ days, onChange }: { days: number | null; onChange: (s: StaffSettingsResponse) => void }) {
  const [notice, setNotice] = useState<Notice>(null);

  async function save(event: Event) {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget as HTMLFormElement).get('days')).trim();
    const conversationRetentionDays = raw === '' ? null : Number(raw);
    if (conversationRetentionDays !== null && !confirm(`Delete every conversation with no activity for more than ${conversationRetentionDays} days, for good, from now on?`)) return;
    try {
      onChange(await api<StaffSettingsResponse>('PUT', STAFF_SETTINGS_ROUTES.retention, { conversationRetentionDays }));
      setNotice({
        ok: true,
        text: conversationRetentionDays === null ? 'Conversations are kept' : `Conversations quiet for more than ${conversationRetentionDays} days will be deleted`,
      });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="retention-heading">
      <h2 id="retention-heading">Data retention</h2>
      <p class="warning">
        Deletion is permanent: a conversation past the period is erased within the hour with its messages, notes and the emails sent from it. Usage records stay,
        without the conversation.
      </p>
      <form class="row" onSubmit={save}>
        <label>
          Delete conversations with no activity for more than (days; empty: keep them)
          <input
            name="days"
            type="number"
            inputMode="numeric"
            min={SETTINGS_LIMITS.minRetentionDays}
            max={SETTINGS_LIMITS.maxRetentionDays}
            step={1}
            defaultValue={days === null ? '' : String(days)}
          />
        </label>
        <button type="submit">Save retention</button>
      </form>
      <Message notice={notice} />
    </section>
  );
}
