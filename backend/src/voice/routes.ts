import express, { type Request, type RequestHandler } from 'express';
import { VOICE_AUDIO_TYPES, VOICE_LIMITS, VOICE_ROUTE, voiceQuerySchema, type VoiceTranscriptResponse } from '@prex/protocol';
import { sessionOf, tenantOf } from '../auth/context.js';
import type { Feature } from '../feature.js';
import { badRequest, HttpError } from '../http/errors.js';
import type { Routes } from '../http/route-group.js';
import { parseInput } from '../http/validate.js';
import type { Logger } from '../logger.js';
import type { Recording, Transcriber } from '../model/transcriber.js';

/**
 * Voice messages: POST /v1/conversations/current/voice (publishable key + session) takes one short
 * recording as the raw body and answers its transcript, which the widget puts in the composer for
 * the visitor to read, edit and send as an ordinary message. The audio lives in memory for the one
 * request and is never stored: a conversation keeps only what the visitor chose to send.
 */

/** The endpoint may round up; a recording the widget stopped at the limit must still pass. */
const DURATION_GRACE_SECONDS = 2;

const ACCEPTED = Object.keys(VOICE_AUDIO_TYPES).join(', ');
const maxSize = `${Math.round(VOICE_LIMITS.maxBytes / 1000)} KB`;

export interface VoiceDeps {
  routes: Routes;
  log: Logger;
  /** Null when no transcription endpoint is configured: the route answers 404 (the widget shows no recorder). */
  transcriber: Transcriber | null;
}

export function createVoiceFeature(deps: VoiceDeps): Feature {
  const { transcriber, log } = deps;
  const routes = deps.routes.visitor();
  const oneAtATime = new Set<string>();

  const available: RequestHandler = (_req, res, next) => {
    if (!transcriber) return next(new HttpError(404, 'not_found', 'Voice messages are not available here: no transcription endpoint is configured'));
    // The workspace turned the microphone off (console Settings, or voiceInput 'off' in the admin API).
    next(tenantOf(res).voiceInput === 'off' ? new HttpError(403, 'forbidden', 'Voice input is turned off for this workspace: type your message') : undefined);
  };

  routes.post(VOICE_ROUTE, available, audioType, readAudio, async (req, res) => {
    if (!transcriber) return;
    const { lang } = parseInput(voiceQuerySchema, req.query, 'voice message query');
    const recording = res.locals.recording as Recording;
    const { tenantId, sessionId } = sessionOf(res);
    if (oneAtATime.has(sessionId)) throw new HttpError(429, 'rate_limited', 'A voice message of this conversation is being transcribed: wait for it');
    oneAtATime.add(sessionId);
    let transcript;
    try {
      transcript = await transcriber.transcribe(recording, { language: lang });
    } catch (error) {
      log.warn('voice: transcription failed', { tenantId, sessionId, error: error instanceof Error ? error.message : String(error) });
      throw new HttpError(502, 'transcription_unavailable', 'The voice message could not be transcribed: try again, or type your message');
    } finally {
      oneAtATime.delete(sessionId);
    }
    if (transcript.seconds !== null && transcript.seconds > VOICE_LIMITS.maxSeconds + DURATION_GRACE_SECONDS) {
      throw badRequest(`The voice message is ${Math.round(transcript.seconds)} seconds long: at most ${VOICE_LIMITS.maxSeconds} seconds`);
    }
    if (!transcript.text) throw new HttpError(422, 'invalid_request', 'No words were heard in the voice message: try again closer to the microphone');
    const out: VoiceTranscriptResponse = { text: transcript.text.slice(0, 4000), seconds: transcript.seconds };
    res.set('Cache-Control', 'no-store').json(out);
  });
  return { publicRoutes: routes.router };
}

/** The body's type, without parameters (`audio/webm;codecs=opus` is audio/webm). */
const typeOf = (req: Request) => (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** A recording in a format the endpoint reads; anything else is 415 before a byte is read. */
const audioType: RequestHandler = (req, _res, next) => {
  const type = typeOf(req);
  if (!VOICE_AUDIO_TYPES[type]) {
    return next(new HttpError(415, 'unsupported_media_type', `Send the recording as the raw body with its audio type (${ACCEPTED})${type ? `, not ${type}` : ''}`));
  }
  next();
};

const rawAudio = express.raw({ type: () => true, limit: VOICE_LIMITS.maxBytes });

/** Reads the body (at most VOICE_LIMITS.maxBytes) into res.locals.recording; empty is 400. */
const readAudio: RequestHandler = (req, res, next) => {
  rawAudio(req, res, (error?: unknown) => {
    if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
      return next(new HttpError(413, 'payload_too_large', `A voice message is at most ${maxSize} (about ${VOICE_LIMITS.maxSeconds} seconds)`));
    }
    if (error) return next(error);
    const audio = req.body as unknown;
    if (!Buffer.isBuffer(audio) || audio.length === 0) return next(badRequest('The voice message is empty: record something first'));
    const type = typeOf(req);
    res.locals.recording = { audio, type, extension: VOICE_AUDIO_TYPES[type]! } satisfies Recording;
    next();
  });
};
