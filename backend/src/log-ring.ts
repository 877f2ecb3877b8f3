/** A finished log line, as the ring keeps it: already redacted by the logger. */
export interface LogRecord {
  at: Date;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** Every field of the line (its own and its log context's), values as written. */
  fields: Readonly<Record<string, string>>;
  /** The tenant the line is about: its log context's or its own `tenantId` field; undefined for an instance line. */
  tenantId: string | undefined;
}

/** What one tenant's staff may read of a line. */
export interface VisibleLogLine {
  at: Date;
  level: LogRecord['level'];
  message: string;
  fields: Record<string, string>;
  /** 'tenant': about the viewer's workspace; 'instance': about the server itself, no workspace's data. */
  scope: 'tenant' | 'instance';
}

/**
 * Fields an instance line (one about no tenant) keeps: what the server did and how it went, never
 * an id, a name or an error text that could belong to some workspace. Not the request id either: a
 * caller may choose it (x-request-id). Messages are constant texts by the logger's convention (data
 * goes in fields), so the message is kept.
 */
const INSTANCE_FIELDS: ReadonlySet<string> = new Set(['method', 'route', 'status', 'ms', 'aborted', 'signal', 'check', 'database', 'attempt', 'delayMs']);

/**
 * The last `capacity` lines this process logged, for the console's Operations page. In memory and
 * per instance: another instance's lines are in its own ring (and in the log collector). Bounded:
 * the oldest line makes way for the newest, so a noisy hour costs no more memory than a quiet one.
 */
export class LogRing {
  private readonly records: LogRecord[] = [];
  private next = 0;

  constructor(readonly capacity = 500) {}

  record(line: LogRecord): void {
    if (this.records.length < this.capacity) this.records.push(line);
    else this.records[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
  }

  /**
   * The newest `limit` lines a tenant's staff may read, newest first: the lines about their own
   * tenant in full, and instance lines cut down to their safe fields. Another tenant's lines never.
   */
  visibleTo(tenantId: string, opts: { limit: number; minLevel?: LogRecord['level'] }): VisibleLogLine[] {
    const floor = LEVEL_ORDER[opts.minLevel ?? 'debug'];
    const out: VisibleLogLine[] = [];
    for (const line of this.newestFirst()) {
      if (out.length >= opts.limit) break;
      if (LEVEL_ORDER[line.level] < floor) continue;
      if (line.tenantId === tenantId) out.push({ at: line.at, level: line.level, message: line.message, fields: { ...line.fields }, scope: 'tenant' });
      else if (line.tenantId === undefined) out.push({ at: line.at, level: line.level, message: line.message, fields: instanceFields(line.fields), scope: 'instance' });
    }
    return out;
  }

  private *newestFirst(): Generator<LogRecord> {
    const n = this.records.length;
    // `next` is where the next line goes: the one before it is the newest.
    for (let i = 1; i <= n; i++) yield this.records[(this.next - i + n) % n]!;
  }
}

const LEVEL_ORDER: Record<LogRecord['level'], number> = { debug: 10, info: 20, warn: 30, error: 40 };

function instanceFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(fields).filter(([k]) => INSTANCE_FIELDS.has(k)));
  // A path no route matched is the caller's own text (a 404 of any visitor of any workspace), not a route pattern.
  if (kept.status === '404') delete kept.route;
  return kept;
}
