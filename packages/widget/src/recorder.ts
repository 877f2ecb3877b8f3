import type { VoiceTranscriptResponse } from '@prex/protocol';
import { VOICE_LIMITS, VOICE_ROUTE } from '@prex/protocol/wire';
import { ApiError } from './api.js';
import type { Store } from './store.js';

/**
 * A voice message transcribed by the server (lazy chunk): records the microphone with
 * MediaRecorder for at most VOICE_LIMITS.maxSeconds, uploads the recording, and appends the
 * transcript to the draft for the visitor to read, edit and send. Used where the browser has no
 * speech recognition of its own, or where the tenant prefers the server's. The same `listen` as
 * voice.ts; `onStatus` is the line under the messages that states the limit and the progress.
 */

const texts = {
  en: {
    recording: 'Recording {t} of {max} (voice messages up to {max}). Press the microphone to finish.',
    transcribing: 'Writing down your voice message…',
    noMic: 'The microphone is not available: allow it in your browser, or type your message.',
    tooLong: 'The voice message is too long: at most {max}.',
    failed: 'The voice message could not be written down: try again, or type your message.',
  },
  de: {
    recording: 'Aufnahme {t} von {max} (Sprachnachrichten bis {max}). Zum Beenden das Mikrofon drücken.',
    transcribing: 'Ihre Sprachnachricht wird aufgeschrieben…',
    noMic: 'Das Mikrofon ist nicht verfügbar: erlauben Sie es im Browser, oder tippen Sie Ihre Nachricht.',
    tooLong: 'Die Sprachnachricht ist zu lang: höchstens {max}.',
    failed: 'Die Sprachnachricht konnte nicht aufgeschrieben werden: versuchen Sie es erneut, oder tippen Sie Ihre Nachricht.',
  },
};

/** Containers in the order we ask for them: Chromium and Firefox take the first two, Safari mp4. */
const TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm'];

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

export function listen(store: Store, onText: (text: string) => void, onEnd: () => void, onStatus: (status: string) => void): () => void {
  const lang = store.strings.peek().lang;
  const t = texts[lang as keyof typeof texts] ?? texts.en;
  const max = clock(VOICE_LIMITS.maxSeconds);
  const say = (s: string) => s.replaceAll('{max}', max);
  let recorder: MediaRecorder | undefined;
  let stopped = false;
  let ticker: ReturnType<typeof setInterval> | undefined;

  const fail = (message: string) => {
    onStatus(message);
    onEnd();
  };

  async function transcribe(audio: Blob) {
    if (!audio.size) return fail(t.failed);
    if (audio.size > VOICE_LIMITS.maxBytes) return fail(say(t.tooLong));
    onStatus(t.transcribing);
    try {
      const token = await store.session();
      const { text } = await store.api.request<VoiceTranscriptResponse>(`${VOICE_ROUTE}?lang=${lang}`, token, audio);
      const before = store.draft.peek().trimEnd();
      onText(before ? `${before} ${text}` : text);
      onStatus('');
      onEnd();
    } catch (e) {
      fail(e instanceof ApiError && e.status >= 400 && e.status < 500 && e.message ? e.message : t.failed);
    }
  }

  async function start() {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      return fail(t.noMic);
    }
    if (stopped) {
      stream.getTracks().forEach((track) => track.stop());
      return fail('');
    }
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    const rec = (recorder = new MediaRecorder(stream, { ...(mimeType ? { mimeType } : {}), audioBitsPerSecond: VOICE_LIMITS.bitsPerSecond }));
    const parts: Blob[] = [];
    rec.ondataavailable = (e) => e.data.size && parts.push(e.data);
    rec.onstop = () => {
      clearInterval(ticker);
      stream.getTracks().forEach((track) => track.stop());
      void transcribe(new Blob(parts, { type: rec.mimeType || mimeType || 'audio/webm' }));
    };
    let seconds = 0;
    const show = () => onStatus(say(t.recording.replace('{t}', clock(seconds))));
    show();
    ticker = setInterval(() => {
      seconds += 1;
      if (seconds >= VOICE_LIMITS.maxSeconds) stop();
      else show();
    }, 1000);
    rec.start();
  }

  function stop() {
    stopped = true;
    if (recorder?.state === 'recording') recorder.stop();
  }

  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === 'undefined') fail(t.noMic);
  else void start();
  return stop;
}
