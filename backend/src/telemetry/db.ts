import { SpanKind } from '@opentelemetry/api';
import type { Db, QueryOptions } from '../db/db.js';
import { SPAN } from './spans.js';
import { inSpan } from './tracer.js';

/**
 * What a statement does, for its span: `SELECT messages`, `INSERT usage_events`. Read from the
 * SQL's first keyword and first table, which the code wrote; the statement itself and its
 * parameters (visitors' words, emails) never go on a span.
 */
export function statementSummary(sql: string): { operation: string; table: string | undefined } {
  const text = sql.replace(/--[^\n]*/g, ' ').trim();
  const operation = (/^[a-z]+/i.exec(text)?.[0] ?? 'SQL').toUpperCase();
  const pattern: Record<string, RegExp> = {
    SELECT: /\bfrom\s+([a-z_][a-z0-9_.]*)/i,
    INSERT: /^insert\s+into\s+([a-z_][a-z0-9_.]*)/i,
    UPDATE: /^update\s+([a-z_][a-z0-9_.]*)/i,
    DELETE: /^delete\s+from\s+([a-z_][a-z0-9_.]*)/i,
  };
  return { operation, table: pattern[operation]?.exec(text)?.[1] };
}

function statementSpan<T>(engine: Db['engine'], sql: string, run: () => Promise<T>): Promise<T> {
  const { operation, table } = statementSummary(sql);
  const attributes = {
    'db.system.name': 'postgresql',
    'db.operation.name': operation,
    ...(table ? { 'db.collection.name': table } : {}),
    'prex.db.engine': engine,
  };
  return inSpan(table ? `${operation} ${table}` : operation, attributes, async (span) => {
    const result = await run();
    if (Array.isArray(result)) span.setAttribute('db.response.returned_rows', result.length);
    return result;
  }, { kind: SpanKind.CLIENT, onlyWithParent: true });
}

/**
 * The Db with a span per statement and per transaction, each only inside a trace already under
 * way (a turn): statements of background jobs and other routes make no traces of their own.
 * Used only when tracing is on (server.ts); otherwise the Db is handed out unwrapped.
 */
export function tracedDb(db: Db): Db {
  return {
    engine: db.engine,
    query<Row>(sql: string, params?: readonly unknown[], opts?: QueryOptions) {
      return statementSpan(db.engine, sql, () => db.query<Row>(sql, params, opts));
    },
    exec: (sql) => statementSpan(db.engine, sql, () => db.exec(sql)),
    transaction: (work) => inSpan(SPAN.transaction, { 'db.system.name': 'postgresql', 'prex.db.engine': db.engine }, () => db.transaction((tx) => work(tracedDb(tx))), { onlyWithParent: true }),
    close: () => db.close(),
  };
}
