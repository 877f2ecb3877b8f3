import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { DEFAULT_REPLY_TEXT, DEFAULT_TRANSCRIPT, splitIntoTokens, startOpenAICompatibleServer, type OpenAICompatibleServer } from '../src/openai-server.js';

let server: OpenAICompatibleServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startOpenAICompatibleServer({ apiKey: 'sk-test', models: ['test-model', 'other-model'] });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: server.url, maxRetries: 0, timeout: 5_000 });
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  server.respondWith({});
});

async function streamText(body: Partial<OpenAI.ChatCompletionCreateParamsStreaming> = {}) {
  const stream = await client.chat.completions.create({
    model: 'test-model',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    ...body,
  });
  let text = '';
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return { text, chunks };
}

describe('OpenAI-compatible test server', () => {
  it('streams a scripted reply chunk by chunk, with a usage chunk when asked, to the real openai client', async () => {
    server.respondWith({ text: ['Hel', 'lo', ' world'], usage: { prompt_tokens: 7, completion_tokens: 3 } });
    const { text, chunks } = await streamText({ stream_options: { include_usage: true } });
    expect(text).toBe('Hello world');
    expect(chunks.filter((c) => c.choices[0]?.delta?.content).map((c) => c.choices[0]!.delta.content)).toEqual(['Hel', 'lo', ' world']);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(server.completionRequests[0]!.body).toMatchObject({ model: 'test-model', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(server.completionRequests[0]!.completed).toBe(true);
  });

  it('has a default reply, no usage chunk unless asked, and a non-streaming JSON form', async () => {
    const streamed = await streamText();
    expect(streamed.text).toBe(DEFAULT_REPLY_TEXT);
    expect(streamed.chunks.some((c) => c.usage)).toBe(false);
    const whole = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(whole.choices[0]!.message.content).toBe(DEFAULT_REPLY_TEXT);
    expect(whole.usage!.completion_tokens).toBe(splitIntoTokens(DEFAULT_REPLY_TEXT).length);
  });

  it('scripts per request from the request body', async () => {
    server.respondWith((body, ctx) => ({ text: `#${ctx.completionIndex}: ${String(body.messages?.at(-1)?.content)}` }));
    const first = (await streamText({ messages: [{ role: 'user', content: 'first' }] })).text;
    const second = (await streamText({ messages: [{ role: 'user', content: 'second' }] })).text;
    const index = Number(first.match(/^#(\d+): first$/)![1]);
    expect(second).toBe(`#${index + 1}: second`);
  });

  it('answers requests with replies in order, repeating the last', async () => {
    server.respondInOrder({ text: 'one' }, { text: 'two' });
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await streamText()).text.trim());
    expect(texts).toEqual(['one', 'two', 'two']);
  });

  it('answers scripted HTTP errors in OpenAI’s error shape', async () => {
    server.respondWith({ error: { status: 429, message: 'slow down', code: 'rate_limit_exceeded' } });
    const error = await streamText().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('slow down');
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('rate_limit_exceeded');
  });

  it('rejects a wrong API key with 401', async () => {
    const stranger = new OpenAI({ apiKey: 'sk-wrong', baseURL: server.url, maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('drops the connection after N chunks, after those chunks arrived', async () => {
    server.respondWith({ text: ['a', 'b', 'c', 'd'], dropAfterChunks: 2 });
    let text = '';
    const stream = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      })(),
    ).rejects.toThrow();
    expect(text).toBe('ab');
    expect(server.completionRequests[0]!.completed).toBe(false);
  });

  it('sends an error event inside the stream', async () => {
    server.respondWith({ text: 'one two three', streamErrorAfterChunks: { after: 1, message: 'model overloaded' } });
    await expect(streamText()).rejects.toThrow(/model overloaded/);
  });

  it('paces chunks and notices a client that aborts', async () => {
    server.respondWith({ text: 'a b c d e f g h', delayMs: 40 });
    const controller = new AbortController();
    const started = Date.now();
    const stream = await client.chat.completions.create(
      { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    // The openai client ends the iteration quietly when its signal aborts.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) seen++;
      if (seen === 2) controller.abort();
    }
    expect(seen).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    await expect.poll(() => server.completionRequests[0]!.clientClosed).toBe(true);
  });

  it('lists models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['test-model', 'other-model']);
  });
});

describe('/audio/transcriptions', () => {
  it('reads the multipart upload as OpenAI does and answers the scripted text, with the duration as usage', async () => {
    server.transcribeWith({});
    const audio = Buffer.from('OggS fake voice');
    const plain = await client.audio.transcriptions.create({ file: await toFile(audio, 'voice.ogg', { type: 'audio/ogg' }), model: 'whisper-1' });
    expect(plain.text).toBe(DEFAULT_TRANSCRIPT);
    server.transcribeWith((upload) => ({ text: `${upload.language}:${upload.audio.length}`, seconds: 4.5 }));
    const scripted = await client.audio.transcriptions.create({ file: await toFile(audio, 'voice.ogg', { type: 'audio/ogg' }), model: 'whisper-1', language: 'de', response_format: 'json' });
    expect(scripted).toEqual({ text: `de:${audio.length}`, usage: { type: 'duration', seconds: 4.5 } });
    expect(server.transcriptions.at(-1)).toMatchObject({ model: 'whisper-1', language: 'de', responseFormat: 'json', filename: 'voice.ogg', type: 'audio/ogg' });
    expect(Buffer.compare(server.transcriptions.at(-1)!.audio, audio)).toBe(0);
  });

  it('answers a scripted HTTP error the way OpenAI does', async () => {
    server.transcribeWith({ error: { status: 400, message: 'Invalid file format.' } });
    await expect(client.audio.transcriptions.create({ file: await toFile(Buffer.from('x'), 'voice.webm'), model: 'whisper-1' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Invalid file format.') });
  });
});
