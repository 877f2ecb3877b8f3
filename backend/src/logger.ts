type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Where finished lines go; by default stdout, and stderr for warn/error. */
export type LogSink = (line: string, level: Level) => void;

const standardStreams: LogSink = (line, at) => (at === 'warn' || at === 'error' ? process.stderr : process.stdout).write(line);

/** One JSON-free line per event: `level message key=value …`, on stderr for warn/error. */
export function createLogger(level: Level | 'silent' = 'info', sink: LogSink = standardStreams): Logger {
  const emit = (at: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[at] < order[level]) return;
    const tail = fields
      ? ' ' + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
      : '';
    sink(`[prex] ${at} ${msg}${tail}\n`, at);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
