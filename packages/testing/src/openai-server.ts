import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real loopback HTTP server speaking the OpenAI chat-completions protocol, for tests and
 * benches that run the real `openai` client (or any OpenAI-compatible client) against a model
 * whose every reply is scripted: streamed text chunks, tool calls (streamed as `tool_calls` deltas
 * with ids, names and argument fragments), token usage, pacing, HTTP errors, errors inside the
 * stream, and connections dropped mid-answer. Never used by production code.
 *
 * Routes: `POST /v1/chat/completions` (SSE when `stream: true`, JSON otherwise), `GET /v1/models`,
 * and `POST /v1/audio/transcriptions` (multipart, as OpenAI reads it; see `transcribe`).
 */

/** The request body a client sent (only the fields the server looks at are typed). */
export interface ChatCompletionRequest {
  model?: string;
  messages?: Array<{ role: string; content?: unknown; [key: string]: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  [key: string]: unknown;
}

/** A function call the scripted model makes. */
export interface ScriptedToolCall {
  /** Defaults to `call_<n>`. */
  id?: string;
  name: string;
  /** The arguments: an object is sent as its JSON; a string is sent as is (it may be invalid JSON on purpose). */
  arguments?: string | Record<string, unknown>;
  /** How many fragments the arguments are streamed in (default 2), as models do. */
  fragments?: number;
}

/** What the server does for one request. Every field is optional; the default is a short reply. */
export interface ScriptedReply {
  /**
   * The reply: a string is split into word-sized chunks (" word"); an array is sent chunk by chunk.
   * Defaults to a short text, or to no text when `toolCalls` are scripted.
   */
  text?: string | string[];
  /** Function calls, streamed after the text as `tool_calls` deltas; finish_reason becomes 'tool_calls'. */
  toolCalls?: ScriptedToolCall[];
  /** Pause before each chunk after the first, in ms. */
  delayMs?: number;
  /** Pause before the first content chunk (time to first token), in ms. Headers go out at once. */
  firstChunkDelayMs?: number;
  /** Reply with this HTTP error instead of a completion (OpenAI's error body shape). */
  error?: ScriptedHttpError;
  /** After this many content chunks (text and tool-call deltas), destroy the socket without finishing the response. */
  dropAfterChunks?: number;
  /** After this many content chunks, send an `{ error }` event (as OpenAI does mid-stream) and end. */
  streamErrorAfterChunks?: { after: number; message?: string };
  finishReason?: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  /** Token usage to report (in the final chunk when the client asks for it); by default estimated from the request and the reply. */
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Model name echoed in the response; defaults to the requested one. */
  model?: string;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export interface ScriptedHttpError {
  status: number;
  message?: string;
  type?: string;
  code?: string | null;
  /** E.g. `{ 'retry-after-ms': '5' }` so the client's retries do not slow a test down. */
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  /** 0-based arrival order. */
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined for GET or an unparseable body). */
  body: ChatCompletionRequest | undefined;
  /** True once the connection closed before the reply was complete: the client aborted, or the script dropped it. */
  clientClosed: boolean;
  /** True once the reply was sent completely. */
  completed: boolean;
}

export interface RequestContext {
  /** 0-based index among all requests received, including GET /v1/models. */
  index: number;
  /** 0-based index among chat-completion requests. */
  completionIndex: number;
  headers: IncomingHttpHeaders;
}

export type Responder = (request: ChatCompletionRequest, context: RequestContext) => ScriptedReply | Promise<ScriptedReply>;

/** One upload to /v1/audio/transcriptions, as the multipart form carried it. */
export interface TranscriptionUpload {
  model: string | undefined;
  language: string | undefined;
  responseFormat: string | undefined;
  filename: string;
  /** The file part's Content-Type. */
  type: string;
  audio: Buffer;
}

/** What the server answers an upload: the text (and a duration reported as usage), or an HTTP error. */
export interface ScriptedTranscription {
  text?: string;
  /** Reported as `usage: { type: 'duration', seconds }`, as OpenAI does for whisper-1. */
  seconds?: number;
  error?: ScriptedHttpError;
}

export interface OpenAICompatibleServerOptions {
  /** A fixed reply or a function per request; default: a short canned reply. */
  respond?: ScriptedReply | Responder;
  /** How uploads to /v1/audio/transcriptions are answered; default: DEFAULT_TRANSCRIPT with no duration. */
  transcribe?: ScriptedTranscription | ((upload: TranscriptionUpload) => ScriptedTranscription);
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (else 401 as OpenAI does). */
  apiKey?: string;
  /** Model ids listed by GET /v1/models. */
  models?: string[];
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface OpenAICompatibleServer {
  /** Base URL ending in `/v1`: pass it as the client's `baseURL`. */
  url: string;
  port: number;
  /** Every request received, in order (live: flags update as replies progress). */
  requests: RecordedRequest[];
  /** Completion requests only (bodies parsed). */
  readonly completionRequests: RecordedRequest[];
  /** Every upload to /v1/audio/transcriptions, in order. */
  transcriptions: TranscriptionUpload[];
  /** Replaces how transcription uploads are answered. */
  transcribeWith(transcribe: NonNullable<OpenAICompatibleServerOptions['transcribe']>): void;
  /** Replaces the responder for subsequent requests. */
  respondWith(respond: ScriptedReply | Responder): void;
  /** Answers the next requests with these replies in order; the last one repeats (a tool round, then the answer). */
  respondInOrder(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export const DEFAULT_REPLY_TEXT = 'Hello from the test model.';
export const DEFAULT_TRANSCRIPT = 'Where is my order?';

/** Splits text the way models stream it: each chunk a word with its leading whitespace. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text ? [text] : []);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

/** The multipart form of a transcription request, parsed by the platform's own Request (undici). */
async function readTranscriptionUpload(req: IncomingMessage): Promise<TranscriptionUpload | string> {
  const body = await readBytes(req);
  let form: FormData;
  try {
    form = await new Request('http://loopback/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body }).formData();
  } catch {
    return 'Could not parse multipart form data.';
  }
  const file = form.get('file');
  if (!file || typeof file === 'string') return "Missing required parameter: 'file'.";
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    model: text('model'),
    language: text('language'),
    responseFormat: text('response_format'),
    filename: file.name,
    type: file.type,
    audio: Buffer.from(await file.arrayBuffer()),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: ScriptedHttpError): void {
  const body = {
    error: {
      message: error.message ?? `Scripted error ${error.status}`,
      type: error.type ?? (error.status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: null,
      code: error.code ?? null,
    },
  };
  sendJson(res, error.status, body, error.headers);
}

/** Rough token count (4 characters a token) for usage reports. */
function estimateTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));
}

interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: string;
  fragments: number;
}

function resolveToolCalls(calls: readonly ScriptedToolCall[]): ResolvedToolCall[] {
  return calls.map((call, i) => ({
    id: call.id ?? `call_${i + 1}`,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    fragments: Math.max(1, call.fragments ?? 2),
  }));
}

/** Splits a string into about `count` pieces of equal length (the last may be shorter). */
function fragmentsOf(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length ? pieces : [''];
}

/** The `delta` objects of a streamed tool call: id, type and name first, then argument fragments. */
function toolCallDeltas(calls: readonly ResolvedToolCall[]): Array<Record<string, unknown>> {
  return calls.flatMap((call, index) =>
    fragmentsOf(call.arguments, call.fragments).map((fragment, i) => ({
      tool_calls: [
        i === 0
          ? { index, id: call.id, type: 'function', function: { name: call.name, arguments: fragment } }
          : { index, function: { arguments: fragment } },
      ],
    })),
  );
}

/** State of one completion being produced. */
class Completion {
  readonly id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
  readonly created = Math.floor(Date.now() / 1000);
  readonly chunks: string[];
  readonly toolCalls: ResolvedToolCall[];
  /** Every streamed delta in order: the text chunks, then the tool-call pieces. */
  readonly deltas: Array<Record<string, unknown>>;
  readonly model: string;

  constructor(
    readonly request: ChatCompletionRequest,
    readonly reply: ScriptedReply,
  ) {
    this.toolCalls = resolveToolCalls(reply.toolCalls ?? []);
    const text = reply.text ?? (this.toolCalls.length ? [] : DEFAULT_REPLY_TEXT);
    this.chunks = Array.isArray(text) ? text : splitIntoTokens(text);
    this.deltas = [...this.chunks.map((content) => ({ content })), ...toolCallDeltas(this.toolCalls)];
    this.model = reply.model ?? request.model ?? 'test-model';
  }

  get finishReason(): string {
    return this.reply.finishReason ?? (this.toolCalls.length ? 'tool_calls' : 'stop');
  }

  get usage() {
    const usage = this.reply.usage ?? {
      prompt_tokens: estimateTokens(this.request.messages),
      completion_tokens: this.deltas.length,
    };
    return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  }

  chunk(delta: Record<string, unknown>, finishReason: string | null = null) {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
  }

  usageChunk() {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: this.usage };
  }

  whole() {
    return {
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: this.chunks.length || !this.toolCalls.length ? this.chunks.join('') : null,
            refusal: null,
            ...(this.toolCalls.length
              ? { tool_calls: this.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
              : {}),
          },
          logprobs: null,
          finish_reason: this.finishReason,
        },
      ],
      usage: this.usage,
    };
  }
}

/** Streams a completion as SSE; stops quietly if the client goes away. */
async function streamCompletion(res: ServerResponse, completion: Completion, record: RecordedRequest): Promise<void> {
  const { reply } = completion;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...reply.headers });
  res.flushHeaders();
  // Resolves once the event reached the socket, so a scripted drop happens after it, not instead of it.
  let lastWrite: Promise<void> = Promise.resolve();
  const send = (payload: unknown) => {
    if (record.clientClosed) return;
    const event = `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
    lastWrite = new Promise((resolve) => res.write(event, () => resolve()));
  };

  send(completion.chunk({ role: 'assistant', content: '' }));
  for (const [i, delta] of completion.deltas.entries()) {
    const pause = i === 0 ? reply.firstChunkDelayMs : reply.delayMs;
    if (pause) await sleep(pause);
    if (record.clientClosed) return;
    if (reply.dropAfterChunks !== undefined && i >= reply.dropAfterChunks) {
      await lastWrite;
      res.socket?.destroy();
      return;
    }
    if (reply.streamErrorAfterChunks && i >= reply.streamErrorAfterChunks.after) {
      send({ error: { message: reply.streamErrorAfterChunks.message ?? 'Scripted stream error', type: 'server_error', param: null, code: null } });
      res.end();
      return;
    }
    send(completion.chunk(delta));
  }
  send(completion.chunk({}, completion.finishReason));
  if (completion.request.stream_options?.include_usage) send(completion.usageChunk());
  send('[DONE]');
  res.end();
  record.completed = true;
}

/** Starts the server on loopback; `close()` ends open connections too. */
export async function startOpenAICompatibleServer(options: OpenAICompatibleServerOptions = {}): Promise<OpenAICompatibleServer> {
  let respond: ScriptedReply | Responder = options.respond ?? {};
  let transcribe = options.transcribe ?? {};
  const transcriptions: TranscriptionUpload[] = [];
  const requests: RecordedRequest[] = [];
  let completionCount = 0;

  async function handleCompletion(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const raw = await readBody(req);
    try {
      record.body = JSON.parse(raw) as ChatCompletionRequest;
    } catch {
      return sendError(res, { status: 400, message: 'We could not parse the JSON body of your request.' });
    }
    const body = record.body;
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
      return sendError(res, { status: 400, message: "Missing required parameter: 'messages'.", code: 'missing_required_parameter' });
    }
    const context: RequestContext = { index: record.index, completionIndex: completionCount++, headers: req.headers };
    const reply = typeof respond === 'function' ? await respond(body, context) : respond;
    if (reply.error) return sendError(res, reply.error);
    const completion = new Completion(body, reply);
    if (body.stream) return streamCompletion(res, completion, record);
    if (reply.delayMs || reply.firstChunkDelayMs) await sleep((reply.firstChunkDelayMs ?? 0) + (reply.delayMs ?? 0) * completion.deltas.length);
    if (reply.dropAfterChunks !== undefined) {
      res.socket?.destroy();
      return;
    }
    sendJson(res, 200, completion.whole(), reply.headers);
    record.completed = true;
  }

  async function handleTranscription(req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const upload = await readTranscriptionUpload(req);
    if (typeof upload === 'string') return sendError(res, { status: 400, message: upload });
    if (!upload.model) return sendError(res, { status: 400, message: "Missing required parameter: 'model'.", code: 'missing_required_parameter' });
    transcriptions.push(upload);
    const reply = typeof transcribe === 'function' ? transcribe(upload) : transcribe;
    if (reply.error) return sendError(res, reply.error);
    const text = reply.text ?? DEFAULT_TRANSCRIPT;
    if (upload.responseFormat === 'text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(text);
    } else {
      sendJson(res, 200, { text, ...(reply.seconds !== undefined ? { usage: { type: 'duration', seconds: reply.seconds } } : {}) });
    }
    record.completed = true;
  }

  function authorized(req: IncomingMessage): boolean {
    return !options.apiKey || req.headers.authorization === `Bearer ${options.apiKey}`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const record: RecordedRequest = { index: requests.length, method: req.method ?? 'GET', path, headers: req.headers, body: undefined, clientClosed: false, completed: false };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.clientClosed = true;
    });
    if (!authorized(req)) {
      return sendError(res, { status: 401, message: 'Incorrect API key provided.', code: 'invalid_api_key' });
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return handleCompletion(req, res, record);
    if (req.method === 'POST' && path === '/v1/audio/transcriptions') return handleTranscription(req, res, record);
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (options.models ?? ['test-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'prex-testing' }));
      sendJson(res, 200, { object: 'list', data });
      record.completed = true;
      return;
    }
    sendError(res, { status: 404, message: `Unknown route ${req.method} ${path}`, code: 'not_found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, { status: 500, message: `Test server failure: ${String(error)}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    get completionRequests() {
      return requests.filter((r) => r.path === '/v1/chat/completions');
    },
    transcriptions,
    transcribeWith(next) {
      transcribe = next;
    },
    respondWith(next) {
      respond = next;
    },
    respondInOrder(...replies) {
      if (replies.length === 0) throw new Error('respondInOrder needs at least one reply');
      let next = 0;
      respond = () => replies[Math.min(next++, replies.length - 1)]!;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
