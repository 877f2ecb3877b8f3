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

  it('defaults to embedded PGlite and switches to a server with DATABASE_URL', () => {
    expect(loadConfig({}).database).toEqual({ kind: 'pglite', dataDir: '.prex/data' });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
  });

  it('takes a readable CA file for the database server and refuses a missing one, naming the variable', () => {
    const ca = fileURLToPath(import.meta.url);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db?sslmode=require', PREX_DATABASE_CA_FILE: ca }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db?sslmode=require',
      caFile: ca,
    });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', PREX_DATABASE_CA_FILE: '/nonexistent/ca.crt' })).toThrow(/PREX_DATABASE_CA_FILE: must be a readable PEM file/);
  });
});
