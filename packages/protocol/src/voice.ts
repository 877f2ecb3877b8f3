import { z } from 'zod';

export { VOICE_AUDIO_TYPES, VOICE_LIMITS, VOICE_ROUTE } from './voice-wire.js';

/**
 * POST /v1/conversations/current/voice answers the transcript; the widget puts it in the composer
 * for the visitor to read, edit and send. The audio itself is not kept (docs/sms.md, "Voice messages").
 */
export const voiceTranscriptResponseSchema = z.object({
  text: z.string(),
  /** The recording's length as the transcription endpoint reported it; null when it reports none. */
  seconds: z.number().nullable(),
});
export type VoiceTranscriptResponse = z.infer<typeof voiceTranscriptResponseSchema>;

/** The query of POST /v1/conversations/current/voice. */
export const voiceQuerySchema = z.strictObject({
  /** The visitor's language (ISO 639-1), a hint for the endpoint. */
  lang: z.string().regex(/^[a-z]{2}$/, 'lang is a two-letter language code such as en').optional(),
});

/** In GET /v1/widget/config: server transcription is available (null: not configured, no recorder). */
export const widgetVoiceConfigSchema = z
  .object({
    /** 'server': record and transcribe on the server even where the browser can recognise speech itself. */
    prefer: z.enum(['browser', 'server']),
    maxSeconds: z.number().int(),
    maxBytes: z.number().int(),
  })
  .nullable();
export type WidgetVoiceConfig = z.infer<typeof widgetVoiceConfigSchema>;
