/**
 * Build step (after tsc): makes the new-cluster snapshot that openPglite loads into a new data
 * directory instead of running initdb (src/db/cluster-snapshot.ts). Made by PGlite's own initdb
 * and dump, once per PGlite version: a build that finds this version's file keeps it, and other
 * versions' files are removed (they would never be read).
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pgliteVersion, readClusterSnapshot, snapshotFile, writeClusterSnapshot, SNAPSHOT_DIR } from '../dist/db/cluster-snapshot.js';
import { dumpPglite, openPglite } from '../dist/db/pglite.js';

const file = snapshotFile();
for (const other of safeReaddir(SNAPSHOT_DIR)) {
  if (path.join(SNAPSHOT_DIR, other) !== file) rmSync(path.join(SNAPSHOT_DIR, other), { force: true });
}
if (readClusterSnapshot(file).ok) {
  console.log(`PGlite ${pgliteVersion()} cluster snapshot: kept ${path.relative(process.cwd(), file)}`);
} else {
  const db = await openPglite(':memory:', { snapshotDir: false });
  // Everything initdb and the first start wrote, in the data files rather than in shared buffers.
  await db.exec('checkpoint');
  const tar = new Uint8Array(await (await dumpPglite(db)).arrayBuffer());
  await db.close();
  writeClusterSnapshot(tar, file);
  console.log(`PGlite ${pgliteVersion()} cluster snapshot: wrote ${path.relative(process.cwd(), file)}`);
}

function safeReaddir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
