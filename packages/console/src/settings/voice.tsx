import { useState } from 'preact/hooks';
import { STAFF_SETTINGS_ROUTES } from '@prex/protocol/wire';
import type { StaffSettingsResponse } from '@prex/protocol';
import { api, messageOf } from '../api.js';
import { Message, type Notice } from './notice.js';

type VoiceInput = StaffSettingsResponse['voice']['voiceInput'];

const SAVED: Record<VoiceInput, string> = {
  browser: 'The widget shows a microphone where it can turn speech into text',
  server: 'The widget records voice messages for the server to transcribe',
  off: 'The widget shows no microphone',
};

/**
 * Voice input (owners and admins): whether the widget shows a microphone, and who turns speech into
 * text. 'server' needs a transcription endpoint on this server (PREX_TRANSCRIPTION_MODEL); without
 * one the option says so and the widget falls back to the browser's own recognition.
 */
export function VoiceInputSettings({ voice, onChange }: { voice: StaffSettingsResponse['voice']; onChange: (s: StaffSettingsResponse) => void }) {
  const [notice, setNotice] = useState<Notice>(null);

  async function save(event: Event) {
    event.preventDefault();
    const voiceInput = String(new FormData(event.currentTarget as HTMLFormElement).get('voiceInput')) as VoiceInput;
    try {
      onChange(await api<StaffSettingsResponse>('PUT', STAFF_SETTINGS_ROUTES.voice, { voiceInput }));
      setNotice({ ok: true, text: `${SAVED[voiceInput]} (on its next page load)` });
    } catch (error) {
      setNotice({ ok: false, text: messageOf(error) });
    }
  }

  return (
    <section aria-labelledby="voice-heading">
      <h2 id="voice-heading">Voice input</h2>
      <form class="stack" onSubmit={save} data-testid="voice-settings">
        <fieldset>
          <legend>The widget’s microphone</legend>
          <label>
            <input type="radio" name="voiceInput" value="browser" defaultChecked={voice.voiceInput === 'browser'} /> On: the browser’s own speech recognition where it has one
            {voice.transcription ? ', this server’s transcription elsewhere' : ''}
          </label>
          <label>
            <input type="radio" name="voiceInput" value="server" defaultChecked={voice.voiceInput === 'server'} /> On: always record and transcribe on this server
            {voice.transcription ? '' : ' (no transcription endpoint is configured here: browsers use their own recognition)'}
          </label>
          <label>
            <input type="radio" name="voiceInput" value="off" defaultChecked={voice.voiceInput === 'off'} /> Off: no microphone
          </label>
        </fieldset>
        <button type="submit">Save voice input</button>
      </form>
      <Message notice={notice} />
    </section>
  );
}
