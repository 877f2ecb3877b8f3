import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCertificates, startPostgres, type RunningPostgres } from '@prex/testing';
import { libpqConnectionString } from '../../src/db/connection-string.js';
import { openDatabase } from '../../src/db/open.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { silentLog } from '../helpers/db.js';

describe('DATABASE_URL sslmode, read as libpq reads it', () => {
  it('asks the driver for libpq semantics whenever sslmode is given, and turns a CA file into sslrootcert', () => {
    expect(libpqConnectionString('postgres://u:p%40ss@db.example:5432/postgres')).toEqual({ url: 'postgres://u:p%40ss@db.example:5432/postgres', tls: 'no tls' });
    expect(libpqConnectionString('postgres://u:p%40ss@db.example:5432/postgres?sslmode=require')).toEqual({
      url: 'postgres://u:p%40ss@db.example:5432/postgres?sslmode=require&uselibpqcompat=true',
      tls: 'encrypted, certificate not verified',
    });
    expect(libpqConnectionString('postgres://u@db.example/postgres?sslmode=require', '/etc/prex/ca.crt')).toEqual({
      url: 'postgres://u@db.example/postgres?sslmode=require&sslrootcert=%2Fetc%2Fprex%2Fca.crt&uselibpqcompat=true',
      tls: 'certificate chain verified',
    });
    expect(libpqConnectionString('postgres://u@db.example/postgres', '/etc/prex/ca.crt').tls).toBe('certificate chain and host name verified');
    expect(libpqConnectionString('postgres://u@h/db?sslmode=verify-full&uselibpqcompat=true').url).toBe('postgres://u@h/db?sslmode=verify-full&uselibpqcompat=true');
    expect(libpqConnectionString('postgres://u@h/db?sslmode=disable').tls).toBe('no tls');
  });
});

/** Log lines written, for asserting what the operator is told. */
function recordingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('info', (line) => lines.push(line)), lines };
}

describe('a Postgres server with TLS and a certificate from its own CA (as Supabase has)', () => {
  let server: RunningPostgres;
  let strangerDir: string;
  let strangerCa: string;

  beforeAll(async () => {
    server = await startPostgres({ database: 'prex', tls: true });
    strangerDir = await mkdtemp(path.join(tmpdir(), 'prex-stranger-ca-'));
    strangerCa = (await createTestCertificates(strangerDir, 'stranger')).caFile;
  });
  afterAll(async () => {
    await server?.stop();
    if (strangerDir) await rm(strangerDir, { recursive: true, force: true });
  });

  /** Opens Prex's database (migrations included) and reports whether the session is encrypted. */
  async function connect(query: string, caFile?: string, log: Logger = silentLog): Promise<boolean> {
    const db = await openDatabase({ kind: 'postgres', url: `${server.url}${query}`, ...(caFile ? { caFile } : {}) }, log);
    try {
      const [row] = await db.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      return row!.ssl;
    } finally {
      await db.close();
    }
  }

  it('?sslmode=require, the URL Supabase users paste, starts (encrypted) and the log says the certificate is not verified', async () => {
    const { log, lines } = recordingLog();
    expect(await connect('?sslmode=require', undefined, log)).toBe(true);
    expect(lines.join('\n')).toMatch(/certificate is not verified; set PREX_DATABASE_CA_FILE/);
  });

  it('with PREX_DATABASE_CA_FILE, require verifies the chain and verify-full the host name too', async () => {
    const { log, lines } = recordingLog();
    expect(await connect('?sslmode=require', server.caFile, log)).toBe(true);
    expect(await connect('?sslmode=verify-full', server.caFile)).toBe(true);
    expect(await connect('', server.caFile)).toBe(true);
    expect(lines.join('\n')).not.toMatch(/not verified/);
  });

  it('refuses a server whose certificate the given CA did not sign', async () => {
    await expect(connect('?sslmode=require', strangerCa)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
    await expect(connect('', strangerCa)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('PREX_DATABASE_POOL_SIZE: the connections one instance keeps', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres({ database: 'prex' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** The server processes that answered `statements` statements sent all at once. */
  async function backendsUsed(poolSize: number | undefined, statements: number): Promise<number> {
    const db = await openDatabase({ kind: 'postgres', url: server.url, ...(poolSize ? { poolSize } : {}) }, silentLog);
    try {
      // Each statement holds its connection a moment, so the ones sent at once need several.
      const rows = await Promise.all(Array.from({ length: statements }, () => db.query<{ pid: number }>('select pg_backend_pid() as pid from pg_sleep(0.02)')));
      return new Set(rows.map(([row]) => row!.pid)).size;
    } finally {
      await db.close();
    }
  }

  it('never opens more connections than configured: the rest of the statements wait their turn and all succeed', async () => {
    expect(await backendsUsed(3, 30)).toBeLessThanOrEqual(3);
    expect(await backendsUsed(undefined, 30)).toBeLessThanOrEqual(10);
  });
});
