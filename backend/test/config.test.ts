import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../src/config.js';

describe('config', () => {
  it('rejects a bad PORT with a ConfigError naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: '-1', DATABASE_URL: 'mysql://x', PREX_SESSION_SECRET: 'short' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'PREX_SESSION_SECRET']) expect(message).toContain(name);
    }
  });

  it('server timeouts: defaults, and a headers limit above the request limit is refused', () => {
    expect(loadConfig({}).server).toEqual({ headersTimeoutMs: 15_000, requestTimeoutMs: 120_000 });
    expect(loadConfig({ PREX_HEADERS_TIMEOUT_MS: '500', PREX_REQUEST_TIMEOUT_MS: '500' }).server).toEqual({ headersTimeoutMs: 500, requestTimeoutMs: 500 });
    expect(() => loadConfig({ PREX_HEADERS_TIMEOUT_MS: '5000', PREX_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/PREX_HEADERS_TIMEOUT_MS: must not exceed PREX_REQUEST_TIMEOUT_MS \(1000\)/);
    expect(() => loadConfig({ PREX_REQUEST_TIMEOUT_MS: '0' })).toThrow(/PREX_REQUEST_TIMEOUT_MS/);
  });

  it('takes a secrets key of exactly 32 bytes, as base64 or hex, and names a bad one', () => {
    expect(loadConfig({}).secretsKey).toBeUndefined();
    expect(loadConfig({ PREX_SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') }).secretsKey).toEqual(Buffer.alloc(32, 1));
    expect(loadConfig({ PREX_SECRETS_KEY: '02'.repeat(32) }).secretsKey).toEqual(Buffer.alloc(32, 2));
    expect(() => loadConfig({ PREX_SECRETS_KEY: Buffer.alloc(16, 1).toString('base64') })).toThrow(/PREX_SECRETS_KEY: must be 32 bytes/);
    expect(() => loadConfig({ PREX_SECRETS_KEY: 'correct horse battery staple' })).toThrow(/PREX_SECRETS_KEY/);
  });

  it('defaults to embedded PGlite and switches to a server with DATABASE_URL', () => {
    expect(loadConfig({}).database).toEqual({ kind: 'pglite', dataDir: '.prex/data', wasmTierUp: false });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db', poolSize: 10 });
  });

  it('compiles the embedded Postgres with Liftoff only unless PREX_PGLITE_COMPILER=optimizing, and names the variable on a typo', () => {
    expect(loadConfig({ PREX_PGLITE_COMPILER: 'optimizing' }).database).toMatchObject({ kind: 'pglite', wasmTierUp: true });
    expect(loadConfig({ PREX_PGLITE_COMPILER: 'baseline' }).database).toMatchObject({ kind: 'pglite', wasmTierUp: false });
    expect(() => loadConfig({ PREX_PGLITE_COMPILER: 'turbofan' })).toThrow(/PREX_PGLITE_COMPILER/);
  });

  it('sizes the Postgres pool from PREX_DATABASE_POOL_SIZE and refuses a size that is not a positive integer, naming the variable', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', PREX_DATABASE_POOL_SIZE: '40' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db', poolSize: 40 });
    for (const bad of ['0', '-2', '2.5', 'many']) {
      expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', PREX_DATABASE_POOL_SIZE: bad })).toThrow(/PREX_DATABASE_POOL_SIZE/);
    }
  });

  it('takes a readable CA file for the database server and refuses a missing one, naming the variable', () => {
    const ca = fileURLToPath(import.meta.url);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db?sslmode=require', PREX_DATABASE_CA_FILE: ca }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db?sslmode=require',
      caFile: ca,
      poolSize: 10,
    });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', PREX_DATABASE_CA_FILE: '/nonexistent/ca.crt' })).toThrow(/PREX_DATABASE_CA_FILE: must be a readable PEM file/);
  });

  it('Supabase Auth for staff: off by default, on with the URL and anon key together, refused with one alone', () => {
    expect(loadConfig({}).supabase).toBeNull();
    expect(loadConfig({ PREX_SUPABASE_URL: 'https://ref.supabase.co/', PREX_SUPABASE_ANON_KEY: 'anon' }).supabase).toEqual({ url: 'https://ref.supabase.co', anonKey: 'anon' });
    expect(() => loadConfig({ PREX_SUPABASE_URL: 'https://ref.supabase.co' })).toThrow(/PREX_SUPABASE_URL and PREX_SUPABASE_ANON_KEY: set both/);
    expect(() => loadConfig({ PREX_SUPABASE_ANON_KEY: 'anon' })).toThrow(/set both \(Supabase Auth for staff\) or neither/);
    expect(() => loadConfig({ PREX_SUPABASE_URL: 'ref.supabase.co', PREX_SUPABASE_ANON_KEY: 'anon' })).toThrow(/PREX_SUPABASE_URL/);
  });
});
