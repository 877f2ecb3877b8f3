import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteVersion, readClusterSnapshot, snapshotFile, writeClusterSnapshot } from '../../src/db/cluster-snapshot.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { dumpPglite, openPglite } from '../../src/db/pglite.js';
import type { Logger } from '../../src/logger.js';
import { newVisitor, readSse, send, startChatTestServer, textOf } from '../helpers/chat.js';
import { silentLog } from '../helpers/db.js';

/**
 * A new embedded database starts from the build's cluster snapshot instead of initdb
 * (db/cluster-snapshot.ts). Here the snapshot is made the way the build makes it, from a cluster
 * initdb created in this run, and what a start from it gives is compared with that cluster.
 */

let dir: string;
let snapshotDir: string;
let initdbFacts: ClusterFacts;

type ClusterFacts = Awaited<ReturnType<typeof clusterFacts>>;

/** What a new cluster is: the server, its databases and encoding, its catalog, the extensions it offers. */
async function clusterFacts(db: Db) {
  const [server] = await db.query<{ version: string; encoding: string; collate: string }>(
    `select version() as version, current_setting('server_encoding') as encoding, datcollate as collate
       from pg_database where datname = current_database()`,
  );
  const databases = await db.query<{ datname: string }>('select datname from pg_database order by datname');
  const [catalog] = await db.query<{ relations: number }>(
    "select count(*)::int as relations from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('pg_catalog', 'information_schema')",
  );
  const extensions = await db.query<{ name: string; default_version: string }>('select name, default_version from pg_available_extensions order by name');
  const tables = await db.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public'");
  return { server, databases, catalog, extensions, tables };
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), prompt: () => undefined };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-cluster-snapshot-'));
  snapshotDir = path.join(dir, 'snapshots');
  // What scripts/write-cluster-snapshot.mjs does at build time.
  const initdb = await openPglite(':memory:', { snapshotDir: false });
  initdbFacts = await clusterFacts(initdb);
  await initdb.exec('checkpoint');
  writeClusterSnapshot(new Uint8Array(await (await dumpPglite(initdb)).arrayBuffer()), snapshotFile(undefined, snapshotDir));
  await initdb.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a new data directory from the cluster snapshot', () => {
  it('is the cluster initdb makes: same server, databases, catalog and extensions; vector is creatable', async () => {
    const log = recordingLog();
    const db = await openPglite(path.join(dir, 'same'), { snapshotDir, log });
    try {
      expect(log.lines).toEqual(['debug embedded database created from the cluster snapshot']);
      expect(await clusterFacts(db)).toEqual(initdbFacts);
      await db.exec('create extension vector');
      expect(await db.query("select '[1,2,3]'::vector <-> '[1,2,4]'::vector as distance")).toEqual([{ distance: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('is migrated as usual, serves a chat turn, and opens again with its data as an existing directory', async () => {
    const dataDir = path.join(dir, 'served');
    const db = await openPglite(dataDir, { snapshotDir });
    await migrate(db, silentLog);
    const prex = await startChatTestServer({ PREX_CLASSIFIER: 'rules' }, db);
    try {
      const visitor = await newVisitor(prex);
      const answer = await readSse(await send(visitor, { text: 'How do refunds work?' }));
      expect(answer.done).toBe(true);
      expect(textOf(answer.chunks)).toContain('[1]');
    } finally {
      await prex.close();
      await db.close().catch(() => undefined);
    }

    const log = recordingLog();
    const again = await openPglite(dataDir, { snapshotDir, log });
    try {
      expect(log.lines).toEqual([]);
      const [stored] = await again.query<{ messages: number }>('select count(*)::int as messages from messages');
      expect(stored!.messages).toBeGreaterThanOrEqual(2);
    } finally {
      await again.close();
    }
  });
});

describe('without a usable snapshot, initdb makes the cluster', () => {
  it('a damaged snapshot file is not loaded: initdb runs, with a log line saying why', async () => {
    const damagedDir = path.join(dir, 'damaged');
    const good = readClusterSnapshot(snapshotFile(undefined, snapshotDir));
    if (!good.ok) throw new Error(good.reason);
    const gz = gzipSync(new Uint8Array(await good.tar.arrayBuffer()));
    // Cut in half, as a copy stopped half-way would leave it: gzip's own checksum finds it.
    await mkdir(damagedDir, { recursive: true });
    await writeFile(snapshotFile(undefined, damagedDir), gz.subarray(0, gz.length / 2));

    const log = recordingLog();
    const db = await openPglite(path.join(dir, 'from-damaged'), { snapshotDir: damagedDir, log });
    try {
      expect(log.lines).toEqual(['info creating the embedded database with initdb (takes a few seconds)']);
      expect(await clusterFacts(db)).toEqual(initdbFacts);
    } finally {
      await db.close();
    }
  });

  it('a snapshot PGlite cannot start from: what it left is removed, initdb runs, a warning says so', async () => {
    const unloadableDir = path.join(dir, 'unloadable');
    const good = readClusterSnapshot(snapshotFile(undefined, snapshotDir));
    if (!good.ok) throw new Error(good.reason);
    // The first 64 KiB of the cluster's tar: well-formed entries, far from a whole cluster.
    writeClusterSnapshot(new Uint8Array(await good.tar.arrayBuffer()).subarray(0, 64 * 1024), snapshotFile(undefined, unloadableDir));

    const log = recordingLog();
    const dataDir = path.join(dir, 'from-unloadable');
    const db = await openPglite(dataDir, { snapshotDir: unloadableDir, log });
    try {
      expect(log.lines).toEqual(['warn the cluster snapshot did not load; creating the embedded database with initdb instead']);
      expect(await clusterFacts(db)).toEqual(initdbFacts);
      expect(await readdir(dataDir)).toContain('PG_VERSION');
    } finally {
      await db.close();
    }
  });

  it('a file that is not a tar archive is not handed to PGlite', () => {
    const file = snapshotFile(undefined, path.join(dir, 'not-a-tar'));
    writeClusterSnapshot(new TextEncoder().encode('not a tar archive of a Postgres cluster'.repeat(100)), file);
    expect(readClusterSnapshot(file)).toMatchObject({ ok: false, reason: 'not a tar archive' });
  });

  it("another PGlite version's snapshot is never read", async () => {
    const otherDir = path.join(dir, 'other-version');
    const good = readClusterSnapshot(snapshotFile(undefined, snapshotDir));
    if (!good.ok) throw new Error(good.reason);
    writeClusterSnapshot(new Uint8Array(await good.tar.arrayBuffer()), snapshotFile('0.0.1', otherDir));

    expect(snapshotFile(undefined, otherDir)).toBe(path.join(otherDir, `pglite-${pgliteVersion()}.tar.gz`));
    expect(readClusterSnapshot(snapshotFile(undefined, otherDir))).toMatchObject({ ok: false, reason: expect.stringContaining('no snapshot for this PGlite version') });
  });
});
