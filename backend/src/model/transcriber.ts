import { toFile } from 'openai';
import type { TranscriptionConfig } from '../config.js';
import { openAIClient } from './gateway.js';

/** A recording as the visitor's browser sent it. */
export interface Recording {
  audio: Buffer;
  /** The audio type without parameters (audio/webm), one of VOICE_AUDIO_TYPES. */
  type: string;
  /** The file extension the endpoint guesses the format from (webm). */
  extension: string;
}

export interface Transcript {
  text: string;
  /** The recording's length when the endpoint reports it (usage of type 'duration'); else null. */
  seconds: number | null;
}

/** Speech to text through an OpenAI-compatible /audio/transcriptions endpoint. */
export interface Transcriber {
  model: string;
  transcribe(recording: Recording, options: { language?: string | undefined; signal?: AbortSignal | undefined }): Promise<Transcript>;
}

/**
 * The `openai` client's audio.transcriptions (multipart upload), made by the one client factory. The
 * response is asked as JSON, the one format every such endpoint speaks (gpt-4o-transcribe has no
 * verbose_json); its duration comes from `usage` where the endpoint reports one.
 */
export function createTranscriber(config: TranscriptionConfig): Transcriber {
  const client = openAIClient(config);
  return {
    model: config.model,
    async transcribe(recording, options) {
      const file = await toFile(recording.audio, `voice.${recording.extension}`, { type: recording.type });
      const result = await client.audio.transcriptions.create(
        { file, model: config.model, response_format: 'json', ...(options.language ? { language: options.language } : {}) },
        options.signal ? { signal: options.signal } : {},
      );
      const usage = result.usage;
      return { text: result.text.trim(), seconds: usage?.type === 'duration' ? usage.seconds : null };
    },
  };
}
