import { useState } from 'preact/hooks';
import { ATTACHMENT_CONTENT_TYPES, ATTACHMENT_LIMITS, ATTACHMENT_ROUTES, type AttachmentContentType } from '@prex/protocol/attachments-wire';
import type { AttachmentSettings } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { useAsync } from '../use-async.js';
import { Message, type Notice } from './notice.js';

const TYPE_LABELS: Record<AttachmentContentType, string> = {
  'image/png': 'PNG images',
  'image/jpeg': 'JPEG images',
  'image/gif': 'GIF images',
  'image/webp': 'WebP images',
  'application/pdf': 'PDFs',
  'text/plain': 'Text files',
};
const MB = 1024 * 1024;

/**
 * What visitors may attach to a conversation (owners and admins; docs/attachments.md): on or off,
 * the largest file in MB, and the types taken. The server checks every upload against these.
 */
export function AttachmentSettingsForm() {
  const [settings, setSettings] = useState<AttachmentSettings | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const load = useAsync(async () => setSettings(await api<AttachmentSettings>('GET', ATTACHMENT_ROUTES.staffSettings)), []);

  async function save(event: Event) {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const body = {
      enabled: data.get('enabled') === 'on',
      maxBytes: Math.round(Number(data.get('maxMb')) * MB),
      contentTypes: data.getAll('contentTypes').map(String),
    };
    try {
      setSettings(await api<AttachmentSettings>('PUT', ATTACHMENT_ROUTES.staffSettings, body));
      setNotice({ ok: true, text: 'Attachment settings saved' });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="attachments-heading">
      <h2 id="attachments-heading">Attachments</h2>
      {load.error ? <p role="alert">{messageOf(load.error)}</p> : null}
      {settings && (
        <form class="stack" onSubmit={save} data-testid="attachment-settings">
          <label>
            <input name="enabled" type="checkbox" defaultChecked={settings.enabled} /> Visitors may attach files to a conversation
          </label>
          <label>
            Largest file (MB)
            <input name="maxMb" type="number" min={0.1} max={ATTACHMENT_LIMITS.maxBytesCeiling / MB} step={0.1} defaultValue={String(Math.round((settings.maxBytes / MB) * 10) / 10)} />
          </label>
          <fieldset>
            <legend>Types taken</legend>
            {ATTACHMENT_CONTENT_TYPES.map((type) => (
              <label key={type}>
                <input name="contentTypes" type="checkbox" value={type} defaultChecked={settings.contentTypes.includes(type)} /> {TYPE_LABELS[type]}
              </label>
            ))}
          </fieldset>
          <button type="submit">Save attachment settings</button>
        </form>
      )}
      <Message notice={notice} />
    </section>
  );
}
