import { useState } from 'preact/hooks';
import { STAFF_SETTINGS_ROUTES } from '@prex/protocol/wire';
import type { SmsSettingsRequest, StaffSmsSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { useAsync } from '../use-async.js';
import { Copyable, Message, type Notice } from './notice.js';

/** As many as the server keeps (SMS_LIMITS.maxManagerNumbers, which lives with the zod schemas). */
const MAX_MANAGERS = 10;

/** "+14155550101 Dana" a line (or comma): the number, then the name that signs that manager's replies, if any. */
function managers(text: string): Pick<SmsSettingsRequest, 'managerNumbers' | 'managerNames'> {
  const entries = text
    .split(/[\n,]+/)
    .map((line) => /^\s*(\S+)\s*(.*?)\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  return {
    managerNumbers: entries.map((m) => m[1]!),
    managerNames: Object.fromEntries(entries.filter((m) => m[2]).map((m) => [m[1]!, m[2]!])),
  };
}

/**
 * The tenant's Twilio number (owners and admins; docs/sms.md): the number, the account SID, the
 * auth token (write-only: the form never holds the stored one, only whether one is set), the
 * managers' numbers told of handoffs, and the webhook URL to paste into Twilio.
 */
export function SmsSettings() {
  const [state, setState] = useState<StaffSmsSettingsResponse | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const load = useAsync(async () => setState(await api<StaffSmsSettingsResponse>('GET', STAFF_SETTINGS_ROUTES.sms)), []);
  const sms = state?.sms ?? null;

  async function save(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const authToken = text('authToken');
    const body: SmsSettingsRequest = {
      phoneNumber: text('phoneNumber'),
      accountSid: text('accountSid'),
      ...(authToken ? { authToken } : {}),
      ...managers(text('managerNumbers')),
      // What the card does not show is kept as it was set (through the admin API).
      keywordReplies: sms?.keywordReplies ?? false,
      helpText: sms?.helpText ?? null,
    };
    try {
      setState(await api<StaffSmsSettingsResponse>('PUT', STAFF_SETTINGS_ROUTES.sms, body));
      (form.elements.namedItem('authToken') as HTMLInputElement).value = '';
      setNotice({ ok: true, text: 'SMS settings saved' });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  async function remove() {
    if (!confirm('Remove the SMS number? Texts to it are no longer answered.')) return;
    try {
      setState(await api<StaffSmsSettingsResponse>('DELETE', STAFF_SETTINGS_ROUTES.sms));
      setNotice({ ok: true, text: 'SMS number removed' });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="sms-heading">
      <h2 id="sms-heading">SMS</h2>
      <p class="muted">Customers text your Twilio number and the agent answers; managers' numbers are texted when a conversation is handed to a person.</p>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {state && (
        // Keyed by the save time, so the fields show what the server holds after each change.
        <form key={sms?.updatedAt ?? 'none'} class="stack narrow" onSubmit={save}>
          <label>
            Twilio phone number (E.164)
            <input name="phoneNumber" required inputMode="tel" placeholder="+14155550123" autoComplete="off" defaultValue={sms?.phoneNumber ?? ''} />
          </label>
          <label>
            Account SID
            <input name="accountSid" required placeholder="AC…" autoComplete="off" spellcheck={false} defaultValue={sms?.accountSid ?? ''} />
          </label>
          <label>
            Auth token {sms ? <span data-testid="sms-token-state">(set: {sms.authTokenHint}; leave empty to keep it)</span> : '(required)'}
            <input name="authToken" type="password" required={!sms} autoComplete="new-password" spellcheck={false} />
          </label>
          <label>
            Manager numbers (E.164, one a line, at most {MAX_MANAGERS}), each with the name that signs their replies if you like: +14155550101 Dana
            <textarea name="managerNumbers" rows={3} defaultValue={(sms?.managerNumbers ?? []).map((n) => `${n} ${sms?.managerNames?.[n] ?? ''}`.trim()).join('\n')} />
          </label>
          <div class="row">
            <button type="submit">Save SMS settings</button>
            {sms && (
              <button type="button" class="secondary" onClick={remove}>
                Remove SMS number
              </button>
            )}
          </div>
        </form>
      )}
      <Message notice={notice} />
      {state && (
        <>
          <h3>Webhook for Twilio</h3>
          <p class="muted">In Twilio, set the number's "A message comes in" webhook to this URL (HTTP POST).</p>
          <Copyable label="SMS webhook URL" text={state.webhookUrl} testId="sms-webhook-url" />
        </>
      )}
    </section>
  );
}
