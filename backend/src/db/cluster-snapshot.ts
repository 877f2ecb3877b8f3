import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * A new, empty PGlite cluster as a gzipped tar, made once by the build (`scripts/write-cluster-snapshot.mjs`)
 * and loaded into every new data directory instead of running initdb. initdb in WASM starts a
 * second Postgres module beside the first and takes seconds; unpacking a 4–5 MB file does not, and
 * leaves none of initdb's ~170 MiB of garbage behind. The cluster is the one initdb makes (PGlite's
 * own dump of it), so every start from it is a normal start: migrations run as usual.
 *
 * Clusters made from one snapshot share pg_control's system identifier, which only matters to
 * physical replication; an embedded PGlite has none.
 */

/** Where the build puts snapshots: `backend/dist/pglite-cluster/`, found from src/ (tsx) and dist/ alike. */
export const SNAPSHOT_DIR = fileURLToPath(new URL('../../dist/pglite-cluster/', import.meta.url));

/** The installed PGlite's version: a cluster is only loaded by the PGlite that made it. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  // The package's exports do not include its package.json; it sits above dist/.
  const manifest = path.join(path.dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The snapshot file for a PGlite version; another version's file is never read. */
export function snapshotFile(version = pgliteVersion(), dir = SNAPSHOT_DIR): string {
  return path.join(dir, `pglite-${version}.tar.gz`);
}

export type SnapshotRead = { ok: true; tar: Blob; file: string } | { ok: false; file: string; reason: string };

/**
 * The snapshot for the installed PGlite, unpacked to a tar. gzip's checksum catches a damaged
 * file here, before PGlite sees it; a missing one is normal when the backend runs without a build.
 */
export function readClusterSnapshot(file = snapshotFile()): SnapshotRead {
  if (!existsSync(file)) return { ok: false, file, reason: 'no snapshot for this PGlite version (made by the backend build)' };
  let tar: Buffer;
  try {
    tar = gunzipSync(readFileSync(file));
  } catch (err) {
    return { ok: false, file, reason: `unreadable: ${(err as Error).message}` };
  }
  // PGlite does not fail cleanly on what is not a tar at all (its gzip retry rejects a promise
  // nobody awaits, which ends the process), so only a ustar archive, as its dumps are, goes to it.
  if (tar.subarray(257, 262).toString('latin1') !== 'ustar') return { ok: false, file, reason: 'not a tar archive' };
  return { ok: true, file, tar: new Blob([tar], { type: 'application/x-tar' }) };
}

/**
 * Writes a snapshot, replacing the file in one rename so that a build stopped half-way never leaves
 * a truncated one under the name a start reads.
 */
export function writeClusterSnapshot(tar: Uint8Array, file = snapshotFile()): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, gzipSync(tar));
  renameSync(partial, file);
}
