import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openMemoryDb } from '../helpers/db.js';

/**
 * PGlite's bytea converters are replaced by Node's native hex codec (db/pglite.ts), since an
 * upload's payload is stored as bytea: what goes in must come out byte for byte.
 */
let db: Db;
beforeAll(async () => {
  db = await openMemoryDb();
  await db.exec('create temporary table blobs (id int primary key, data bytea)');
});
afterAll(() => db?.close());

describe('PGlite bytea', () => {
  it('round-trips every byte value, an empty value, and a 12 MB upload exactly', async () => {
    const values = [Uint8Array.from({ length: 256 }, (_, i) => i), new Uint8Array(0), randomBytes(12 * 1024 * 1024)];
    for (const [id, data] of values.entries()) await db.query('insert into blobs (id, data) values ($1, $2)', [id, data]);
    const rows = await db.query<{ id: number; data: Uint8Array }>('select id, data from blobs order by id');
    expect(rows.map((r) => Buffer.from(r.data).equals(Buffer.from(values[r.id]!)))).toEqual([true, true, true]);
    // A view into a larger buffer stores only its own bytes.
    const backing = Buffer.from('xxhelloxx');
    await db.query('insert into blobs (id, data) values (9, $1)', [new Uint8Array(backing.buffer, backing.byteOffset + 2, 5)]);
    const [view] = await db.query<{ data: Uint8Array }>('select data from blobs where id = 9');
    expect(Buffer.from(view!.data).toString()).toBe('hello');
  });
});
