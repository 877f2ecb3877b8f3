/**
 * Voice messages transcribed on the server, the zod-free part: the widget's recorder (a lazy chunk)
 * imports these, so the pane pays nothing for them.
 */

/** POST: the raw audio as the body, its type as Content-Type; answers the transcript. */
export const VOICE_ROUTE = '/v1/conversations/current/voice';

export const VOICE_LIMITS = {
  /** Longest recording the widget makes, and the longest the server accepts when the endpoint reports a duration. */
  maxSeconds: 60,
  /** Largest upload: a minute of Opus at the recorder's 64 kbit/s is about 480 KB; room for other codecs. */
  maxBytes: 1_000_000,
  /** The recorder's bit rate (MediaRecorder audioBitsPerSecond). */
  bitsPerSecond: 64_000,
} as const;

/**
 * The audio types accepted (the Content-Type without parameters such as `;codecs=opus`): what
 * MediaRecorder records in Chromium (webm), Firefox (ogg, webm) and Safari (mp4), and the formats
 * OpenAI's /audio/transcriptions reads.
 */
export const VOICE_AUDIO_TYPES: Readonly<Record<string, string>> = {
  'audio/webm': 'webm',
  'audio/ogg': 'ogg',
  'audio/mp4': 'mp4',
  'audio/x-m4a': 'm4a',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/flac': 'flac',
};
