import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { statementSummary } from '../../src/telemetry/db.js';

describe('tracing configuration', () => {
  it('is off without an endpoint', () => {
    expect(loadConfig({}).tracing).toBeNull();
  });

  it('takes the collector from PREX_OTLP_ENDPOINT first, then OTEL_EXPORTER_OTLP_ENDPOINT, appending /v1/traces', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      headers: {},
      serviceName: 'prex',
      sampleRatio: 1,
    });
    const both = loadConfig({ PREX_OTLP_ENDPOINT: 'https://otlp.example/base/', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(both.tracing?.tracesUrl).toBe('https://otlp.example/base/v1/traces');
    // A URL that already names the traces path is taken as it is.
    expect(loadConfig({ PREX_OTLP_ENDPOINT: 'http://c:4318/v1/traces' }).tracing?.tracesUrl).toBe('http://c:4318/v1/traces');
  });

  it('reads headers, service name and sample ratio', () => {
    const tracing = loadConfig({
      PREX_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'X-Api-Key=a%20b, tenant=ops',
      OTEL_SERVICE_NAME: 'prex-eu',
      PREX_TRACE_SAMPLE_RATIO: '0.25',
    }).tracing;
    expect(tracing).toMatchObject({ headers: { 'x-api-key': 'a b', tenant: 'ops' }, serviceName: 'prex-eu', sampleRatio: 0.25 });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => loadConfig({ PREX_OTLP_ENDPOINT: 'grpc://c:4317' })).toThrow(ConfigError);
    expect(() => loadConfig({ PREX_OTLP_ENDPOINT: 'grpc://c:4317' })).toThrow(/PREX_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS: must be name=value pairs/);
    expect(() => loadConfig({ PREX_TRACE_SAMPLE_RATIO: '2' })).toThrow(/PREX_TRACE_SAMPLE_RATIO/);
  });
});

describe('a statement as its span names it', () => {
  it('is its operation and first table, never its text', () => {
    expect(statementSummary('select id from messages where tenant_id = $1')).toEqual({ operation: 'SELECT', table: 'messages' });
    expect(statementSummary('  insert into llm_calls (a) values ($1)')).toEqual({ operation: 'INSERT', table: 'llm_calls' });
    expect(statementSummary('update messages set text = $2')).toEqual({ operation: 'UPDATE', table: 'messages' });
    expect(statementSummary('-- why\ndelete from sessions where id = $1')).toEqual({ operation: 'DELETE', table: 'sessions' });
    expect(statementSummary('with ranked as (select 1) select * from ranked')).toEqual({ operation: 'WITH', table: undefined });
    expect(statementSummary('savepoint prex_sp_1')).toEqual({ operation: 'SAVEPOINT', table: undefined });
  });
});
