import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLISHABLE_KEY_HEADER, ROUTES, TENANT_ADMIN_ROUTE, VOICE_LIMITS, VOICE_ROUTE, type WidgetConfigResponse } from '@prex/protocol';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import type { Db } from '../../src/db/db.js';
import { ALLOWED_ORIGIN, createSessionOver, readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { openMemoryDb } from '../helpers/db.js';
import { adminCall } from '../helpers/customers.js';

/**
 * Voice messages, end to end: the real server sends the visitor's recording with the real `openai`
 * client to a loopback server speaking /audio/transcriptions, and answers the transcript.
 */

/** Bytes that stand for a recording: the stand-in does not decode audio, it records what it got. */
const RECORDING = Buffer.from('\x1aE\xdf\xa3 fake webm voice message', 'latin1');

let model: OpenAICompatibleServer;
let db: Db;
let app: TestApp;
let token: string;

const upload = (body: Uint8Array | string | undefined, type: string | undefined, opts: { token?: string; query?: string } = {}) => {
  const headers: Record<string, string> = { [PUBLISHABLE_KEY_HEADER]: app.publishableKey, origin: ALLOWED_ORIGIN, authorization: `Bearer ${opts.token ?? token}` };
  if (type) headers['content-type'] = type;
  return fetch(`${app.url}${VOICE_ROUTE}${opts.query ?? ''}`, { method: 'POST', headers, ...(body !== undefined ? { body } : {}) });
};

const widgetConfig = async (a: TestApp) =>
  readJson<WidgetConfigResponse>(await fetch(`${a.url}${ROUTES.widgetConfig}`, { headers: { [PUBLISHABLE_KEY_HEADER]: a.publishableKey, origin: ALLOWED_ORIGIN } }));

beforeAll(async () => {
  model = await startOpenAICompatibleServer({ apiKey: 'voice-key' });
  db = await openMemoryDb();
  app = await startTestApp({
    db,
    env: { PREX_TRANSCRIPTION_MODEL: 'whisper-test', PREX_TRANSCRIPTION_BASE_URL: model.url, PREX_TRANSCRIPTION_API_KEY: 'voice-key', PREX_RATE_LIMIT_PER_MINUTE: '100000' },
  });
  token = (await createSessionOver(app)).token;
});
afterAll(async () => {
  await app.close();
  await db.close();
  await model.close();
});

describe('voice messages transcribed on the server', () => {
  it('sends the recording to /audio/transcriptions with the configured model and answers its text', async () => {
    model.transcribeWith({ text: ' Where is my parcel? ', seconds: 3.2 });
    const res = await upload(RECORDING, 'audio/webm;codecs=opus', { query: '?lang=de' });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ text: 'Where is my parcel?', seconds: 3.2 });
    const sent = model.transcriptions.at(-1)!;
    expect(sent).toMatchObject({ model: 'whisper-test', language: 'de', responseFormat: 'json', filename: 'voice.webm', type: 'audio/webm' });
    expect(Buffer.compare(sent.audio, RECORDING)).toBe(0);
  });

  it('refuses what is not a recording it can read: wrong type, empty, too large, too long, silent', async () => {
    const before = model.transcriptions.length;
    const json = await upload('{"text":"hi"}', 'application/json');
    expect(json.status).toBe(415);
    expect((await readJson<{ error: { message: string } }>(json)).error.message).toMatch(/audio\/webm.*not application\/json/);
    const untyped = await upload(RECORDING, undefined);
    expect(untyped.status).toBe(415);
    const empty = await upload(new Uint8Array(0), 'audio/ogg');
    expect(empty.status).toBe(400);
    expect((await readJson<{ error: { message: string } }>(empty)).error.message).toMatch(/empty/);
    const huge = await upload(new Uint8Array(VOICE_LIMITS.maxBytes + 1), 'audio/webm');
    expect(huge.status).toBe(413);
    expect((await readJson<{ error: { code: string; message: string } }>(huge)).error).toMatchObject({ code: 'payload_too_large', message: expect.stringMatching(/at most .* seconds/) });
    const badLang = await upload(RECORDING, 'audio/webm', { query: '?lang=german' });
    expect(badLang.status).toBe(400);
    expect(model.transcriptions.length).toBe(before);

    model.transcribeWith({ text: 'a very long story', seconds: VOICE_LIMITS.maxSeconds + 30 });
    const long = await upload(RECORDING, 'audio/webm');
    expect(long.status).toBe(400);
    expect((await readJson<{ error: { message: string } }>(long)).error.message).toMatch(/90 seconds long: at most 60 seconds/);

    model.transcribeWith({ text: '   ' });
    const silent = await upload(RECORDING, 'audio/mp4');
    expect(silent.status).toBe(422);
    expect(model.transcriptions.at(-1)!.filename).toBe('voice.mp4');
  });

  it('answers 502 transcription_unavailable when the endpoint fails, without its details', async () => {
    model.transcribeWith({ error: { status: 400, message: 'Invalid file format. secret-internal-detail' } });
    const res = await upload(RECORDING, 'audio/webm');
    expect(res.status).toBe(502);
    const body = await readJson<{ error: { code: string; message: string } }>(res);
    expect(body.error.code).toBe('transcription_unavailable');
    expect(body.error.message).not.toMatch(/secret-internal-detail/);
  });

  it("needs the visitor's session and the tenant's key", async () => {
    expect((await upload(RECORDING, 'audio/webm', { token: 'not-a-token' })).status).toBe(401);
    const noKey = await fetch(`${app.url}${VOICE_ROUTE}`, { method: 'POST', headers: { origin: ALLOWED_ORIGIN, 'content-type': 'audio/webm', authorization: `Bearer ${token}` }, body: RECORDING });
    expect(noKey.status).toBe(401);
  });

  it("tells the widget it is available, with the tenant's preference between the browser and the server", async () => {
    expect((await widgetConfig(app)).voice).toEqual({ prefer: 'browser', maxSeconds: VOICE_LIMITS.maxSeconds, maxBytes: VOICE_LIMITS.maxBytes });
    const patch = await adminCall(app, 'PATCH', TENANT_ADMIN_ROUTE, { voiceInput: 'server' });
    expect(patch.status).toBe(200);
    expect(await readJson(patch)).toMatchObject({ voiceInput: 'server' });
    expect((await widgetConfig(app)).voice?.prefer).toBe('server');
    const bad = await adminCall(app, 'PATCH', TENANT_ADMIN_ROUTE, { voiceInput: 'always' });
    expect(bad.status).toBe(400);
  });

  it("'off': no microphone in the widget config, and the route refuses recordings with a 403 in words", async () => {
    expect((await adminCall(app, 'PATCH', TENANT_ADMIN_ROUTE, { voiceInput: 'off' })).status).toBe(200);
    try {
      expect(await widgetConfig(app)).toMatchObject({ voice: null, microphone: false });
      const before = model.transcriptions.length;
      const res = await upload(RECORDING, 'audio/webm');
      expect(res.status).toBe(403);
      expect((await readJson<{ error: { message: string } }>(res)).error.message).toMatch(/Voice input is turned off/);
      expect(model.transcriptions.length).toBe(before);
    } finally {
      await adminCall(app, 'PATCH', TENANT_ADMIN_ROUTE, { voiceInput: 'browser' });
    }
    expect(await widgetConfig(app)).toMatchObject({ voice: { prefer: 'browser' }, microphone: true });
  });
});

describe('without a transcription endpoint', () => {
  it('offers no voice messages: null in the widget config, 404 on the route', async () => {
    const plain = await startTestApp({ db });
    try {
      expect((await widgetConfig(plain)).voice).toBeNull();
      const session = await createSessionOver(plain);
      const res = await fetch(`${plain.url}${VOICE_ROUTE}`, {
        method: 'POST',
        headers: { [PUBLISHABLE_KEY_HEADER]: plain.publishableKey, origin: ALLOWED_ORIGIN, authorization: `Bearer ${session.token}`, 'content-type': 'audio/webm' },
        body: RECORDING,
      });
      expect(res.status).toBe(404);
      expect((await readJson<{ error: { message: string } }>(res)).error.message).toMatch(/no transcription endpoint/);
      // Another tenant's visitor cannot use this tenant's transcription with their own session.
      expect((await upload(RECORDING, 'audio/webm', { token: session.token })).status).toBe(401);
    } finally {
      await plain.close();
    }
  });
});
