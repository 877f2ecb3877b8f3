import type { TracingConfig } from '../config.js';
import type { Logger } from '../logger.js';

export interface Tracing {
  /** Sends the spans still queued and unregisters the provider. */
  shutdown(): Promise<void>;
}

/**
 * Turns tracing on when a collector is configured (PREX_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT). The SDK is imported here, dynamically, and nowhere else: without a
 * collector not one of its modules is loaded and the span helpers do nothing (tracer.ts).
 */
export async function startTracingIfConfigured(config: TracingConfig | null, log: Logger): Promise<Tracing | undefined> {
  if (!config) return undefined;
  const { startSdk } = await import('./sdk.js');
  const tracing = startSdk(config, log);
  // Where spans go, without what may be in the URL's user part.
  const target = new URL(config.tracesUrl);
  log.info('tracing on: spans go to an OTLP collector', { url: `${target.origin}${target.pathname}`, sampleRatio: config.sampleRatio });
  return tracing;
}
