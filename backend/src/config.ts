import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
const originList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin)));

function isReadableFile(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** OTEL_EXPORTER_OTLP_HEADERS's format (W3C baggage-like, values percent-decoded); undefined when malformed. */
function otlpHeaders(text: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    if (at <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(name)) return undefined;
    try {
      headers[name.toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return undefined;
    }
  }
  return headers;
}

/** Every variable Prex reads, with its default. Names are the environment's. */
const envSchema = z.object({
  PORT: port.default(8787),
  HOST: z.string().default('127.0.0.1'),
  /** Longest a client may take to send a request's headers; then 408 and the connection closes (slow-loris). */
  PREX_HEADERS_TIMEOUT_MS: positiveInt.default(15_000),
  /**
   * Longest a client may take to send a whole request, headers and body (a body announced and never
   * sent). Counts only receiving: a response may stream for longer (answers over SSE). Raise it for
   * large uploads over slow links.
   */
  PREX_REQUEST_TIMEOUT_MS: positiveInt.default(120_000),
  /**
   * Serves Prometheus metrics at GET /metrics on this port of its own (metrics/server.ts says why a
   * port, not a token). Unset: no metrics server. 0 picks a free port.
   */
  PREX_METRICS_PORT: port.optional(),
  /** Address of the metrics server: loopback by default, so only this machine can scrape it. */
  PREX_METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /**
   * OpenTelemetry traces of each turn go to this OTLP/HTTP collector (its base URL; /v1/traces is
   * appended unless the URL ends with it). Unset, and OTEL_EXPORTER_OTLP_ENDPOINT unset: no
   * tracing, and the OpenTelemetry SDK is not even loaded (telemetry/start.ts).
   */
  PREX_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OpenTelemetry's standard name for the same endpoint, used when PREX_OTLP_ENDPOINT is unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Headers sent to the collector (a hosted one's API key), as OpenTelemetry writes them: name=value,name2=value2. */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional().transform((v, ctx) => {
    const headers = otlpHeaders(v ?? '');
    if (headers) return headers;
    ctx.addIssue({ code: 'custom', message: 'must be name=value pairs separated by commas, e.g. x-api-key=abc123' });
    return z.NEVER;
  }),
  /** The service.name the spans carry. */
  OTEL_SERVICE_NAME: z.string().trim().min(1).default('prex'),
  /** Share of turns traced, 0 to 1 (a turn is traced whole or not at all). */
  PREX_TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** Embedded PGlite data directory, used when DATABASE_URL is not set. */
  PREX_DATA_DIR: z.string().default('.prex/data'),
  /**
   * How V8 compiles the embedded Postgres (WASM). baseline: Liftoff only, about 60 MiB less resident
   * and a quicker start, Postgres's own work slower once warm; optimizing: V8's default, hot
   * functions recompiled by TurboFan in the background, for a busy instance.
   */
  PREX_PGLITE_COMPILER: z.enum(['baseline', 'optimizing']).default('baseline'),
  /** postgres://… switches storage to a Postgres server (or a Supabase project's database). */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  /**
   * PEM file of the CA that signed the database server's certificate (Supabase: the dashboard's
   * "SSL certificate" download). The server is then verified: the chain with ?sslmode=require,
   * chain and host name with verify-full or no sslmode. Without it, sslmode=require encrypts
   * without verifying, as libpq does.
   */
  PREX_DATABASE_CA_FILE: optionalText.refine((file) => !file || isReadableFile(file), 'must be a readable PEM file'),
  /**
   * Connections this instance keeps to the Postgres server (DATABASE_URL): statements beyond it wait
   * in line, first come first served. Every instance holds its own; keep their sum under the
   * server's max_connections (Supabase's session pooler: the pool size of the project's plan).
   */
  PREX_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  /** HMAC secret for session tokens; at least 32 characters. Generated per process when unset (sessions then end at restart). */
  PREX_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PREX_SESSION_TTL_DAYS: positiveInt.default(30),
  /** OpenAI-compatible endpoint; with no key and no base URL, answers are extractive. */
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  PREX_LLM_TIMEOUT_MS: positiveInt.default(60_000),
  /** Retries of a model request that failed before streaming (429, 5xx, network), with backoff. */
  PREX_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** A streamed answer whose first token takes longer fails over to the extractive answer. */
  PREX_LLM_FIRST_TOKEN_TIMEOUT_MS: positiveInt.default(20_000),
  /** A stream that goes silent this long mid-answer is ended with an error instead of hanging. */
  PREX_LLM_IDLE_TIMEOUT_MS: positiveInt.default(20_000),
  /** Tokens of earlier turns sent to the model with each question (counted with gpt-tokenizer). */
  PREX_HISTORY_TOKEN_BUDGET: z.coerce.number().int().min(0).max(100_000).default(2_000),
  /**
   * Per-model prices in USD per million tokens, as JSON:
   * {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}. Merged over the built-in table (usage/prices.ts).
   */
  PREX_MODEL_PRICES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return {};
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON like {"gpt-4o-mini": {"input": 0.15, "output": 0.6}}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string().min(1), z.strictObject({ input: z.number().min(0), output: z.number().min(0) }))),
  /** How user messages are labelled: by the model when one is configured (auto), or always by rules. */
  PREX_CLASSIFIER: z.enum(['auto', 'rules']).default('auto'),
  /** smtp(s)://user:pass@host:port — any provider's SMTP relay. Unset: mails go to PREX_OUTBOX_DIR. */
  PREX_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  PREX_MAIL_FROM: z.string().trim().min(3).default('Prex <no-reply@prex.localhost>'),
  /** Where mails are written when no SMTP relay is configured (the demo works offline). */
  PREX_OUTBOX_DIR: z.string().default('.prex/outbox'),
  /** Minutes of quiet after which a verified customer's conversation summary is emailed (0 = never). */
  PREX_SUMMARY_INACTIVITY_MINUTES: z.coerce.number().int().min(0).max(10_080).default(30),
  /** How often the summary scheduler looks for quiet conversations. */
  PREX_SUMMARY_SCAN_MS: positiveInt.default(60_000),
  /** Embeddings for the vector channel (any OpenAI-compatible /embeddings endpoint); off unless the model is set. */
  PREX_EMBEDDINGS_MODEL: optionalText,
  PREX_EMBEDDINGS_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PREX_EMBEDDINGS_API_KEY: optionalText,
  /** Vector size asked of the endpoint and stored (pgvector's HNSW indexes up to 2000). */
  PREX_EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(1).max(2000).default(1536),
  /** Texts per /embeddings request. */
  PREX_EMBEDDINGS_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(64),
  PREX_EMBEDDINGS_TIMEOUT_MS: positiveInt.default(30_000),
  /**
   * Voice messages transcribed on the server (any OpenAI-compatible /audio/transcriptions endpoint,
   * e.g. whisper-1 or gpt-4o-mini-transcribe); off unless the model is set: the widget then offers
   * only the browser's own speech recognition.
   */
  PREX_TRANSCRIPTION_MODEL: optionalText,
  PREX_TRANSCRIPTION_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PREX_TRANSCRIPTION_API_KEY: optionalText,
  PREX_TRANSCRIPTION_TIMEOUT_MS: positiveInt.default(30_000),
  PREX_HEARTBEAT_MS: positiveInt.default(15_000),
  /** Pause between the extractive answerer's word groups: a typing pace, not a cost (0 for benches). */
  PREX_EXTRACTIVE_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(4),
  /** Express "trust proxy" hops, so rate limits see the client's IP behind a reverse proxy (0 = direct). */
  PREX_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Requests per minute per client IP on public routes. */
  PREX_RATE_LIMIT_PER_MINUTE: positiveInt.default(120),
  /**
   * The origin (and path prefix) the outside world reaches Prex at, e.g. https://support.example.com:
   * Twilio signs the URL it calls, so behind a proxy that rewrites the host or scheme the webhook
   * signature is checked against this. Unset: the request's own scheme and Host.
   */
  PREX_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Twilio's REST API origin; only for a Twilio-compatible gateway or a test stand-in (default api.twilio.com). */
  PREX_TWILIO_API_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * 32 random bytes (base64 or 64 hex digits) that seal tenants' third-party credentials (a Twilio
   * auth token) in the database with AES-256-GCM. Unset: they are stored as given.
   */
  PREX_SECRETS_KEY: z
    .string()
    .trim()
    .refine((v) => /^[0-9a-fA-F]{64}$/.test(v) || /^[A-Za-z0-9+/]{43}=$/.test(v), 'must be 32 bytes: 64 hex digits or base64 (openssl rand -base64 32)')
    .optional(),
  /**
   * Staff may also sign in to the console with Supabase Auth: the project's URL (https://<ref>.supabase.co)
   * and its anon key, both public by design (the console's Supabase client uses them). Set both or neither.
   */
  PREX_SUPABASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  PREX_SUPABASE_ANON_KEY: optionalText,
  /**
   * Files visitors attach are kept on local disk in this directory (default: beside the PGlite
   * data, .prex/attachments), unless PREX_ATTACHMENTS_BUCKET names a Supabase Storage bucket.
   */
  PREX_ATTACHMENTS_DIR: z.string().trim().min(1).default('.prex/attachments'),
  /**
   * A private Supabase Storage bucket for attachments (it must exist): the project is
   * PREX_SUPABASE_URL and the server signs in with PREX_SUPABASE_SERVICE_ROLE_KEY, a secret never
   * sent to a browser. Unset: local disk (PREX_ATTACHMENTS_DIR).
   */
  PREX_ATTACHMENTS_BUCKET: optionalText,
  PREX_SUPABASE_SERVICE_ROLE_KEY: optionalText,
  /**
   * Heap of the thread that parses uploaded files, in MB. A file that needs more fails alone
   * (the API process is untouched). 512 MB parses any real 20 MB upload (the largest allowed);
   * below 128 MB PDF.js itself does not load.
   */
  PREX_INGEST_MEMORY_MB: z.coerce.number().int().min(128).max(16_384).default(512),
  /**
   * Worker threads that parse uploads and cut documents into chunks (the CPU work of ingestion, off
   * the thread that answers chats), each with PREX_INGEST_MEMORY_MB of heap. Started on the first
   * upload, ended when idle. Default: the cores less one for the API, at least 1, at most 4 (a
   * 2-core machine gets 1).
   */
  PREX_INGEST_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => Math.min(4, Math.max(1, availableParallelism() - 1))),
  /** Wall-clock time one uploaded file may take to parse before it is stopped and fails. */
  PREX_INGEST_FILE_TIMEOUT_MS: positiveInt.default(120_000),
  /** Characters of text one document may yield (about 800 printed pages by default). */
  PREX_INGEST_MAX_CHARS: positiveInt.default(2_000_000),
  /** Pages of one PDF. */
  PREX_INGEST_MAX_PDF_PAGES: positiveInt.default(2_000),
  /** Seed the demo tenant on start (default on). */
  PREX_SEED_DEMO: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  PREX_DEMO_PUBLISHABLE_KEY: z.string().regex(/^pk_[A-Za-z0-9_]{8,64}$/).default('pk_demo_northwind'),
  /** Origins allowed to use the demo tenant's key (comma-separated). */
  PREX_DEMO_ORIGINS: originList.default(['http://localhost:8080', 'http://127.0.0.1:8080']),
  /** Folder with the built loader.js and widget/ assets to serve; defaults to the workspace packages' dist. */
  PREX_STATIC_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /**
   * Log conversation content (questions, answers, outbox mail subjects, which carry one-time
   * codes), with emails, phone numbers, card numbers, IBANs and IPs redacted. Off by default: logs
   * carry no message text, emails, phone numbers or codes.
   */
  PREX_LOG_PROMPTS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
}).superRefine((env, ctx) => {
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (env.PREX_HEADERS_TIMEOUT_MS > env.PREX_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', path: ['PREX_HEADERS_TIMEOUT_MS'], message: `must not exceed PREX_REQUEST_TIMEOUT_MS (${env.PREX_REQUEST_TIMEOUT_MS})` });
  }
});

/** The names of every variable the server reads (.env.example lists each; a test holds them equal). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export interface LlmConfig {
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
}

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

export interface EmailConfig {
  /** Null: no relay configured, mails are written to outboxDir. */
  smtpUrl: string | null;
  from: string;
  outboxDir: string;
}

/** The vector channel's embeddings endpoint (knowledge/search/vector.ts). */
export interface EmbeddingsConfig {
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  dimensions: number;
  batchSize: number;
  timeoutMs: number;
  /** Retries of a failed request (429, 5xx, network), with the client's exponential backoff. */
  maxRetries: number;
}

/** The endpoint voice messages are transcribed with (model/transcriber.ts). */
export interface TranscriptionConfig {
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

/** How uploaded files are parsed: the sandbox's memory and time, and the format limits (knowledge/parse). */
export interface IngestionConfig {
  /** Ingestion threads (SandboxPool). */
  threads: number;
  memoryMb: number;
  timeoutMs: number;
  maxDocumentChars: number;
  maxPdfPages: number;
}

/** Where and how spans are sent (telemetry/); null: no tracing. */
export interface TracingConfig {
  /** The collector's OTLP/HTTP traces URL (…/v1/traces). */
  tracesUrl: string;
  headers: Record<string, string>;
  serviceName: string;
  sampleRatio: number;
}

export interface Config {
  port: number;
  host: string;
  /** Limits on receiving a request (server.ts); a response may take longer. */
  server: { headersTimeoutMs: number; requestTimeoutMs: number };
  /** The Prometheus endpoint's own server; port undefined: not served. */
  metrics: { port: number | undefined; host: string };
  /** OpenTelemetry traces; null when no collector is configured. */
  tracing: TracingConfig | null;
  database:
    | { kind: 'pglite'; dataDir: string; /** PREX_PGLITE_COMPILER: false, Liftoff only for PGlite's WASM; absent: V8's default. */ wasmTierUp?: boolean }
    | { kind: 'postgres'; url: string; caFile?: string; /** Connections kept (PREX_DATABASE_POOL_SIZE); absent: openPostgres's default. */ poolSize?: number };
  /** secretFromEnv false: PREX_SESSION_SECRET is unset, and server.ts uses the one stored in the database. */
  session: { secret: string; ttlSeconds: number; secretFromEnv: boolean };
  /** Null when no model is configured: answers are extractive. */
  llm: LlmConfig | null;
  /** Null when no embeddings model is configured: retrieval is lexical only. */
  embeddings: EmbeddingsConfig | null;
  /** Null when no transcription model is configured: no voice messages (the widget shows no recorder). */
  transcription: TranscriptionConfig | null;
  heartbeatMs: number;
  extractiveDelayMs: number;
  historyTokenBudget: number;
  /** Per-model prices from PREX_MODEL_PRICES (merged over the built-in table by usage/prices.ts). */
  modelPrices: Record<string, ModelPrice>;
  classifier: 'auto' | 'rules';
  email: EmailConfig;
  /** Automatic conversation summaries: inactivityMinutes 0 turns them off. */
  summaries: { inactivityMinutes: number; scanIntervalMs: number };
  rateLimitPerMinute: number;
  trustProxyHops: number;
  /** PREX_PUBLIC_URL without a trailing slash; undefined: each request's own origin. */
  publicUrl: string | undefined;
  /** SMS through Twilio: undefined = Twilio's own API. */
  twilio: { apiBaseUrl: string | undefined };
  /** PREX_SECRETS_KEY's 32 bytes; undefined: tenants' credentials are stored as given (sms/token-box.ts). */
  secretsKey: Buffer | undefined;
  /** Staff sign-in with Supabase Auth; null when not configured. */
  supabase: { url: string; anonKey: string } | null;
  /** Where visitors' attachments are stored (attachments/open-storage.ts). */
  attachments: { storage: { kind: 'local'; dir: string } | { kind: 'supabase'; url: string; serviceRoleKey: string; bucket: string } };
  ingestion: IngestionConfig;
  demo: { enabled: boolean; publishableKey: string; origins: string[] };
  staticDir: string | undefined;
  /** PREX_PUBLIC_URL's origin, or undefined: the request's own. */
  publicOrigin: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** PREX_LOG_PROMPTS: conversation content in the log, redacted (logger.ts). */
  logPrompts: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // The project URL alone serves attachment storage (with the service-role key); Supabase Auth needs the anon key too.
  if (e.PREX_SUPABASE_ANON_KEY ? !e.PREX_SUPABASE_URL : e.PREX_SUPABASE_URL && !e.PREX_ATTACHMENTS_BUCKET) {
    throw new ConfigError('Invalid configuration:\n  PREX_SUPABASE_URL and PREX_SUPABASE_ANON_KEY: set both (Supabase Auth for staff) or neither');
  }
  if (e.PREX_ATTACHMENTS_BUCKET && !(e.PREX_SUPABASE_URL && e.PREX_SUPABASE_SERVICE_ROLE_KEY)) {
    throw new ConfigError('Invalid configuration:\n  PREX_ATTACHMENTS_BUCKET: set PREX_SUPABASE_URL and PREX_SUPABASE_SERVICE_ROLE_KEY too (attachments in Supabase Storage), or unset it (local disk)');
  }
  const llmConfigured = Boolean(e.OPENAI_API_KEY || e.OPENAI_BASE_URL);
  return {
    port: e.PORT,
    host: e.HOST,
    server: { headersTimeoutMs: e.PREX_HEADERS_TIMEOUT_MS, requestTimeoutMs: e.PREX_REQUEST_TIMEOUT_MS },
    metrics: { port: e.PREX_METRICS_PORT, host: e.PREX_METRICS_HOST },
    tracing: tracingConfig(e),
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.PREX_DATABASE_POOL_SIZE, ...(e.PREX_DATABASE_CA_FILE ? { caFile: e.PREX_DATABASE_CA_FILE } : {}) }
      : { kind: 'pglite', dataDir: e.PREX_DATA_DIR, wasmTierUp: e.PREX_PGLITE_COMPILER === 'optimizing' },
    session: {
      secret: e.PREX_SESSION_SECRET ?? randomBytes(32).toString('base64url'),
      ttlSeconds: e.PREX_SESSION_TTL_DAYS * 24 * 3600,
      secretFromEnv: e.PREX_SESSION_SECRET !== undefined,
    },
    // Local OpenAI-compatible servers (Ollama, vLLM) need no key, but the client library wants one.
    llm: llmConfigured
      ? { apiKey: e.OPENAI_API_KEY ?? 'not-needed', baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL,
          timeoutMs: e.PREX_LLM_TIMEOUT_MS,
          maxRetries: e.PREX_LLM_MAX_RETRIES,
          firstTokenTimeoutMs: e.PREX_LLM_FIRST_TOKEN_TIMEOUT_MS,
          idleTimeoutMs: e.PREX_LLM_IDLE_TIMEOUT_MS,
        }
      : null,
    // Endpoint and key default to the chat model's (OPENAI_*).
    embeddings: e.PREX_EMBEDDINGS_MODEL
      ? {
          apiKey: e.PREX_EMBEDDINGS_API_KEY ?? e.OPENAI_API_KEY ?? 'not-needed',
          baseUrl: e.PREX_EMBEDDINGS_BASE_URL ?? e.OPENAI_BASE_URL,
          model: e.PREX_EMBEDDINGS_MODEL,
          dimensions: e.PREX_EMBEDDINGS_DIMENSIONS,
          batchSize: e.PREX_EMBEDDINGS_BATCH_SIZE,
          timeoutMs: e.PREX_EMBEDDINGS_TIMEOUT_MS,
          maxRetries: 3,
        }
      : null,
    // Endpoint and key default to the chat model's (OPENAI_*), as for embeddings.
    transcription: e.PREX_TRANSCRIPTION_MODEL
      ? {
          apiKey: e.PREX_TRANSCRIPTION_API_KEY ?? e.OPENAI_API_KEY ?? 'not-needed',
          baseUrl: e.PREX_TRANSCRIPTION_BASE_URL ?? e.OPENAI_BASE_URL,
          model: e.PREX_TRANSCRIPTION_MODEL,
          timeoutMs: e.PREX_TRANSCRIPTION_TIMEOUT_MS,
          // The visitor waits for it: one retry, not the chat model's backoff.
          maxRetries: 1,
        }
      : null,
    heartbeatMs: e.PREX_HEARTBEAT_MS,
    extractiveDelayMs: e.PREX_EXTRACTIVE_DELAY_MS,
    historyTokenBudget: e.PREX_HISTORY_TOKEN_BUDGET,
    modelPrices: e.PREX_MODEL_PRICES,
    classifier: e.PREX_CLASSIFIER,
    email: { smtpUrl: e.PREX_SMTP_URL ?? null, from: e.PREX_MAIL_FROM, outboxDir: e.PREX_OUTBOX_DIR },
    summaries: { inactivityMinutes: e.PREX_SUMMARY_INACTIVITY_MINUTES, scanIntervalMs: e.PREX_SUMMARY_SCAN_MS },
    rateLimitPerMinute: e.PREX_RATE_LIMIT_PER_MINUTE,
    trustProxyHops: e.PREX_TRUST_PROXY_HOPS,
    publicUrl: e.PREX_PUBLIC_URL?.replace(/\/+$/, ''),
    twilio: { apiBaseUrl: e.PREX_TWILIO_API_BASE_URL },
    secretsKey: e.PREX_SECRETS_KEY === undefined ? undefined : Buffer.from(e.PREX_SECRETS_KEY, /^[0-9a-fA-F]{64}$/.test(e.PREX_SECRETS_KEY) ? 'hex' : 'base64'),
    supabase: e.PREX_SUPABASE_URL && e.PREX_SUPABASE_ANON_KEY ? { url: e.PREX_SUPABASE_URL.replace(/\/+$/, ''), anonKey: e.PREX_SUPABASE_ANON_KEY } : null,
    attachments: {
      storage:
        e.PREX_ATTACHMENTS_BUCKET && e.PREX_SUPABASE_URL && e.PREX_SUPABASE_SERVICE_ROLE_KEY
          ? { kind: 'supabase', url: e.PREX_SUPABASE_URL.replace(/\/+$/, ''), serviceRoleKey: e.PREX_SUPABASE_SERVICE_ROLE_KEY, bucket: e.PREX_ATTACHMENTS_BUCKET }
          : { kind: 'local', dir: e.PREX_ATTACHMENTS_DIR },
    },
    ingestion: {
      threads: e.PREX_INGEST_THREADS,
      memoryMb: e.PREX_INGEST_MEMORY_MB,
      timeoutMs: e.PREX_INGEST_FILE_TIMEOUT_MS,
      maxDocumentChars: e.PREX_INGEST_MAX_CHARS,
      maxPdfPages: e.PREX_INGEST_MAX_PDF_PAGES,
    },
    demo: { enabled: e.PREX_SEED_DEMO, publishableKey: e.PREX_DEMO_PUBLISHABLE_KEY, origins: e.PREX_DEMO_ORIGINS },
    staticDir: e.PREX_STATIC_DIR,
    publicOrigin: e.PREX_PUBLIC_URL ? new URL(e.PREX_PUBLIC_URL).origin : undefined,
    logLevel: e.LOG_LEVEL,
    logPrompts: e.PREX_LOG_PROMPTS,
  };
}

/** The collector's traces URL from either variable (Prex's own first), or null: no tracing. */
function tracingConfig(e: z.infer<typeof envSchema>): TracingConfig | null {
  const endpoint = e.PREX_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return null;
  const base = endpoint.replace(/\/+$/, '');
  return {
    tracesUrl: base.endsWith('/v1/traces') ? base : `${base}/v1/traces`,
    headers: e.OTEL_EXPORTER_OTLP_HEADERS,
    serviceName: e.OTEL_SERVICE_NAME,
    sampleRatio: e.PREX_TRACE_SAMPLE_RATIO,
  };
}
