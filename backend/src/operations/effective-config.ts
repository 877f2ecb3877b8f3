import type { ConfigEntry } from '@prex/protocol';
import type { Config } from '../config.js';

/**
 * Settings shown as they are, by their path in Config. An allow-list, not a deny-list: a setting
 * added later stays hidden until someone decides it is safe to show, so a new secret cannot leak
 * by being forgotten here. `prefix.*` allows every setting under it (a price table, the limits).
 */
const SHOWN: readonly string[] = [
  'port', 'host', 'server.*', 'metrics.*', 'database.kind', 'database.dataDir', 'database.caFile', 'database.poolSize',
  'session.ttlSeconds', 'session.secretFromEnv',
  'llm.model', 'llm.timeoutMs', 'llm.maxRetries', 'llm.firstTokenTimeoutMs', 'llm.idleTimeoutMs',
  'embeddings.model', 'embeddings.dimensions', 'embeddings.batchSize', 'embeddings.timeoutMs', 'embeddings.maxRetries',
  'heartbeatMs', 'extractiveDelayMs', 'historyTokenBudget', 'modelPrices.*', 'classifier',
  'email.from', 'email.outboxDir', 'summaries.*', 'rateLimitPerMinute', 'trustProxyHops',
  'ingestion.*', 'attachments.storage.kind', 'attachments.storage.dir', 'attachments.storage.bucket', 'demo.enabled', 'demo.origins', 'staticDir', 'publicOrigin', 'logLevel', 'logPrompts',
];

/**
 * Addresses shown without what they may carry: the user and password (postgres://user:pass@…,
 * smtp://user:pass@…), the query (?password=, ?token=) and the fragment.
 */
const SHOWN_AS_ADDRESS: readonly string[] = ['database.url', 'email.smtpUrl', 'llm.baseUrl', 'embeddings.baseUrl', 'publicUrl', 'twilio.apiBaseUrl', 'supabase.url', 'attachments.storage.url'];

const isShown = (path: string) => SHOWN.some((p) => p === path || (p.endsWith('.*') && path.startsWith(p.slice(0, -1))));

/** The configuration this instance runs with, one entry per setting, every secret redacted. */
export function effectiveConfig(config: Config): ConfigEntry[] {
  return flatten(config as unknown as Record<string, unknown>, '').map(([name, value]) => {
    if (value === null || value === undefined) return { name, value: 'not set', redacted: false };
    if (SHOWN_AS_ADDRESS.includes(name)) return { name, value: addressOnly(String(value)), redacted: false };
    if (isShown(name)) return { name, value: Array.isArray(value) ? value.join(', ') : String(value), redacted: false };
    return { name, value: 'set (hidden)', redacted: true };
  });
}

/** Leaves of a nested object by dotted path; arrays and byte buffers (a key) are leaves. */
function flatten(value: Record<string, unknown>, prefix: string): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, v]): Array<[string, unknown]> => {
    const path = prefix + key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      const inner = flatten(v as Record<string, unknown>, `${path}.`);
      return inner.length > 0 ? inner : [[path, '{}']];
    }
    return [[path, v]];
  });
}

function addressOnly(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'set (hidden: not a readable address)';
  }
  const credentials = url.username || url.password ? '•••@' : '';
  const query = url.search ? '?…' : '';
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.protocol}//${credentials}${url.host}${path}${query}`;
}
