import { useState } from 'preact/hooks';
import { STAFF_SETTINGS_ROUTES } from '@prex/protocol/wire';
import type { StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { Message, type Notice } from './notice.js';

/**
 * Images in answers (owners and admins): the hosts the knowledge base's images come from. A
 * visitor's browser fetches them, so only named hosts show; any other image stays a link.
 */
export function ImageHosts({ hosts, onChange }: { hosts: string[]; onChange: (s: StaffSettingsResponse) => void }) {
  const [notice, setNotice] = useState<Notice>(null);

  async function save(event: Event) {
    event.preventDefault();
    const raw = String(new FormData(event.currentTarget as HTMLFormElement).get('hosts'));
    const imageHosts = raw.split(/[\s,]+/).filter(Boolean);
    try {
      const saved = await api<StaffSettingsResponse>('PUT', STAFF_SETTINGS_ROUTES.imageHosts, { imageHosts });
      onChange(saved);
      setNotice({ ok: true, text: saved.imageHosts.length ? `Answers show images from ${saved.imageHosts.join(', ')}` : 'Answers show no images' });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="image-hosts-heading">
      <h2 id="image-hosts-heading">Images in answers</h2>
      <p class="muted">
        Answers show the images of your help articles only from these hosts (one per line: cdn.example, *.cdn.example for its subdomains). Images from any other
        host appear as links. Sites with a Content-Security-Policy must allow them in img-src.
      </p>
      <form class="stack" onSubmit={save}>
        <label>
          Image hosts
          <textarea name="hosts" rows={3} defaultValue={hosts.join('\n')} spellcheck={false} />
        </label>
        <button type="submit">Save image hosts</button>
      </form>
      <Message notice={notice} />
    </section>
  );
}
