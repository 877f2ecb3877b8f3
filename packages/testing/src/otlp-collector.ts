import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A real loopback OpenTelemetry collector for tests: it accepts OTLP/HTTP trace exports in the
 * JSON encoding (`POST /v1/traces`, `application/json`, optionally gzip), as
 * @opentelemetry/exporter-trace-otlp-http sends them, and keeps the spans. Protobuf bodies are
 * refused with 415 (the JSON exporter is the one Prex uses; decoding protobuf would need a schema
 * compiler here for nothing). Never used by production code.
 */

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface CollectedSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a trace's root. */
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's SpanKind number: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  events: string[];
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** The exporting process's resource (service.name…). */
  resource: Record<string, AttributeValue>;
  scope: string;
}

export interface OtlpCollector {
  /** The base URL an exporter is given (OTEL_EXPORTER_OTLP_ENDPOINT); traces go to `${url}/v1/traces`. */
  url: string;
  /** Every span received so far, in arrival order. */
  spans(): CollectedSpan[];
  /** The headers of each export request received. */
  requests: Array<{ headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
}

interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number };
  events?: Array<{ name: string }>;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
}

interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ scope?: { name?: string }; spans?: OtlpSpan[] }>;
  }>;
}

function valueOf(v: OtlpAnyValue): AttributeValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return null;
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

/** OTLP/JSON ids are hex strings; an absent or empty parent means a root. */
function spansOf(body: OtlpExport): CollectedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ? s.parentSpanId : undefined,
        name: s.name,
        kind: s.kind ?? 0,
        attributes: attributesOf(s.attributes),
        statusCode: s.status?.code ?? 0,
        events: (s.events ?? []).map((e) => e.name),
        startTimeUnixNano: BigInt(s.startTimeUnixNano),
        endTimeUnixNano: BigInt(s.endTimeUnixNano),
        resource: attributesOf(rs.resource?.attributes),
        scope: ss.scope?.name ?? '',
      })),
    ),
  );
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const raw = Buffer.concat(parts);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export async function startOtlpCollector(): Promise<OtlpCollector> {
  const received: CollectedSpan[] = [];
  const requests: OtlpCollector['requests'] = [];
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'POST' || req.url !== '/v1/traces') return void reply(404, { message: 'only POST /v1/traces' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      req.resume();
      return void reply(415, { message: 'this test collector accepts OTLP/JSON only (application/json)' });
    }
    bodyOf(req)
      .then((body) => {
        const spans = spansOf(JSON.parse(body.toString('utf8')) as OtlpExport);
        requests.push({ headers: req.headers });
        received.push(...spans);
        // OTLP/HTTP's success: an ExportTraceServiceResponse with no partial rejection.
        reply(200, {});
      })
      .catch(() => reply(400, { message: 'not an OTLP/JSON export' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...received],
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
