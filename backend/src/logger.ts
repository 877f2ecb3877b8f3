import { currentLogContext } from './log-context.js';
import type { LogRing } from './log-ring.js';
import { redactPii, type PiiKind } from './privacy/redact.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /**
   * Conversation content (a visitor's question, an answer, a mail's subject). Written only when the
   * operator turned prompt logging on (PREX_LOG_PROMPTS), at info level, with every kind of
   * personal data redacted; by default logs carry no message text at all.
   */
  prompt(msg: string, fields: Record<string, unknown>): void;
}

/** Where finished lines go; by default stdout, and stderr for warn/error. */
export type LogSink = (line: string, level: Level) => void;

const standardStreams: LogSink = (line, at) => (at === 'warn' || at === 'error' ? process.stderr : process.stdout).write(line);

export interface LoggerOptions {
  /** PREX_LOG_PROMPTS: let `prompt()` lines through (redacted). */
  prompts?: boolean;
  /** Also keeps the last lines in memory, for the console's Operations page (prompt lines excepted). */
  ring?: LogRing;
}

/**
 * Redacted from every line, whatever wrote it: an SMTP refusal naming the recipient, a tool error
 * quoting a phone number. IP addresses stay readable (they are the servers Prex failed to reach);
 * prompt lines are redacted of every kind.
 */
const ALWAYS_REDACTED: readonly PiiKind[] = ['email', 'phone', 'card', 'iban'];
const PROMPT_REDACTED: readonly PiiKind[] = ['email', 'phone', 'card', 'iban', 'ip'];

/**
 * One JSON-free line per event: `level message key=value …`, on stderr for warn/error. Lines written
 * inside a log context (an HTTP request: http/request-log.ts) end with its fields (requestId=…).
 */
export function createLogger(level: Level | 'silent' = 'info', sink: LogSink = standardStreams, options: LoggerOptions = {}): Logger {
  const write = (at: Level, msg: string, fields: Record<string, unknown> | undefined, kinds: readonly PiiKind[]) => {
    if (order[at] < order[level]) return;
    const clean = (text: string) => redactPii(text, undefined, kinds);
    const context = currentLogContext();
    const all = { ...fields, ...context };
    const entries = Object.entries(all).map(([k, v]) => [k, clean(typeof v === 'string' ? v : String(JSON.stringify(v)))] as const);
    const tail = entries.length > 0 ? ' ' + entries.map(([k, v]) => `${k}=${v}`).join(' ') : '';
    sink(`[prex] ${at} ${clean(msg)}${tail}\n`, at);
    // Conversation content stays out of the ring: the Operations page is about the server, not chats.
    if (options.ring && kinds === ALWAYS_REDACTED) {
      const tenantId = context?.tenantId ?? (typeof fields?.tenantId === 'string' ? fields.tenantId : undefined);
      options.ring.record({ at: new Date(), level: at, message: clean(msg), fields: Object.fromEntries(entries), tenantId });
    }
  };
  const emit = (at: Level) => (msg: string, fields?: Record<string, unknown>) => write(at, msg, fields, ALWAYS_REDACTED);
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    prompt: (msg, fields) => {
      if (options.prompts) write('info', msg, fields, PROMPT_REDACTED);
    },
  };
}
