import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestCertificates } from './certificates.js';

const run = promisify(execFile);

export interface RunningPostgres {
  /** postgres://postgres@127.0.0.1:<port>/prex (trust auth, no password). */
  url: string;
  /** With `tls: true`: the PEM of the CA that signed the server's certificate (for 127.0.0.1). */
  caFile?: string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Name of the database created for the caller. */
  database?: string;
  /** Serve TLS too (ssl=on) with a certificate from a throwaway CA; plain connections still work. */
  tls?: boolean;
}

const PG_ROOT = '/usr/lib/postgresql';

/**
 * A throwaway PostgreSQL server from Debian's packages: initdb into a fresh temp dir, listen on a
 * free loopback port (socket in the same dir), trust auth, one database. Durability is switched
 * off because the data dies with the server. Root cannot run postgres, so as root the server runs
 * as the `postgres` OS user via runuser.
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<RunningPostgres> {
  const bin = await findPostgresBin();
  const dir = await mkdtemp(path.join(tmpdir(), 'prex-pg-'));
  const dataDir = path.join(dir, 'data');
  const asServerUser = await serverUserRunner(dir);
  try {
    await asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
    const tls = opts.tls ? await serverCertificates(dir) : undefined;
    const tlsOptions = tls ? ['-c ssl=on', `-c ssl_cert_file=${tls.certFile}`, `-c ssl_key_file=${tls.keyFile}`] : [];
    const port = await startOnFreePort(bin, dataDir, dir, asServerUser, tlsOptions);
    const database = opts.database ?? 'prex';
    await run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database]);
    let stopped = false;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/${database}`,
      ...(tls ? { caFile: tls.caFile } : {}),
      async stop() {
        if (stopped) return;
        stopped = true;
        await asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
    const log = await readFile(path.join(dir, 'server.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL: ${err instanceof Error ? err.message : String(err)}${log ? `\nserver log:\n${log}` : ''}`);
  }
}

/** The newest installed version's bin directory, e.g. /usr/lib/postgresql/15/bin. */
export async function findPostgresBin(): Promise<string> {
  const versions = existsSync(PG_ROOT) ? await readdir(PG_ROOT) : [];
  const bins = versions
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => path.join(PG_ROOT, v, 'bin'))
    .filter((b) => existsSync(path.join(b, 'initdb')) && existsSync(path.join(b, 'pg_ctl')));
  if (!bins[0]) {
    throw new Error(`PostgreSQL server binaries not found under ${PG_ROOT}/*/bin. Install them with: apt-get install -y postgresql`);
  }
  return bins[0];
}

type Runner = (file: string, args: string[]) => Promise<unknown>;

/** As root: chown the dir to postgres and run through runuser. Otherwise: run directly. */
async function serverUserRunner(dir: string): Promise<Runner> {
  if (process.getuid?.() !== 0) return (file, args) => run(file, args);
  const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
    throw new Error('running as root but there is no `postgres` OS user (apt-get install -y postgresql creates it)');
  });
  const uid = Number(stdout.trim());
  const { stdout: gidOut } = await run('id', ['-g', 'postgres']);
  await chown(dir, uid, Number(gidOut.trim()));
  return (file, args) => run('runuser', ['-u', 'postgres', '--', file, ...args]);
}

/** Picks a free port and starts; retries when another process grabbed the port in between. */
/** Certificates in `dir` (owned by the server user when root); the key readable by its owner only, as postgres insists. */
async function serverCertificates(dir: string) {
  const certs = await createTestCertificates(dir, 'postgres');
  await chmod(certs.keyFile, 0o600);
  if (process.getuid?.() === 0) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    for (const f of [certs.keyFile, certs.certFile]) await chown(f, Number(uid.stdout.trim()), Number(gid.stdout.trim()));
  }
  return certs;
}

async function startOnFreePort(bin: string, dataDir: string, socketDir: string, asServerUser: Runner, extraOptions: string[] = []): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-k ${socketDir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=50',
      ...extraOptions,
    ].join(' ');
    try {
      await asServerUser(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', path.join(socketDir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
      return port;
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
