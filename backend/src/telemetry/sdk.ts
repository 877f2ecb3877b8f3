import { context, diag, DiagLogLevel, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { setTracing } from './tracer.js';

/**
 * The OpenTelemetry SDK, loaded by start.ts only when a collector is configured: a tracer
 * provider batching spans to the collector over OTLP/HTTP (JSON), and the AsyncLocalStorage
 * context manager, which is what makes a database statement the child of the turn it runs in.
 * No automatic instrumentation: the spans are the ones spans.ts names.
 */
export function startSdk(config: TracingConfig, log: Logger): { shutdown(): Promise<void> } {
  // The exporter's failures (collector down, refused) go to Prex's log rather than nowhere.
  diag.setLogger(
    { error: (msg) => log.warn(`tracing: ${msg}`), warn: (msg) => log.warn(`tracing: ${msg}`), info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const exporter = new OTLPTraceExporter({ url: config.tracesUrl, headers: config.headers });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    // A turn sampled or not as a whole: its spans follow the decision taken at its root.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  setTracing(true);
  return {
    async shutdown() {
      setTracing(false);
      // Sends the spans still queued before the process goes.
      await provider.shutdown().catch((error: unknown) => log.warn('tracing: could not send the last spans', { error: String(error) }));
      trace.disable();
      context.disable();
      diag.disable();
    },
  };
}
