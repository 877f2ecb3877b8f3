import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { openPostgres } from '../../src/db/postgres.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { searchPassages } from '../../src/knowledge/search/index.js';
import { createTenant } from '../../src/tenants/repository.js';
import { createPostgresDatabase, openMemoryDb, silentLog, type Engine } from '../helpers/db.js';

/**
 * A migrated database on one connection: pg_prepared_statements shows that connection's statements
 * (a pool would spread them over several).
 */
async function openOneConnection(engine: Engine): Promise<{ db: Db; close(): Promise<void> }> {
  if (engine === 'pglite') {
    const db = await openMemoryDb();
    return { db, close: () => db.close() };
  }
  const database = await createPostgresDatabase();
  const db = openPostgres(database.url, silentLog, undefined, 1);
  await migrate(db, silentLog);
  return {
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

type PreparedRow = { statement: string; plans: number };

/** This connection's statements prepared by Db.query's `prepare`, and how often each ran. */
const preparedHere = (db: Db) =>
  db.query<PreparedRow>(`select statement, generic_plans + custom_plans as plans from pg_prepared_statements where name like 'prex\\_%' order by prepare_time`);

describe.each<Engine>(['pglite', 'postgres'])('statements run with prepare on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  const select = `select id, name, $2::float8 * 2 as doubled from prepared_probe where id = any($1::int[]) order by id`;

  beforeAll(async () => {
    ({ db, close } = await openOneConnection(engine));
    await db.exec(`create table prepared_probe (id int primary key, name text not null);
      insert into prepared_probe values (1, 'one'), (2, 'two'), (3, 'three');`);
  });
  afterAll(() => close());

  it('are prepared once per connection and reused, and return what the statement returns unprepared', async () => {
    for (const [ids, factor] of [[[1], 1], [[2, 3], 1.5], [[], 0], [[3], -2], [[1, 2, 3], 4], [[9], 1], [[2], 0.25]] as const) {
      const prepared = await db.query(select, [ids, factor], { prepare: true });
      expect(prepared).toEqual(await db.query(select, [ids, factor]));
    }
    expect(await preparedHere(db)).toEqual([{ statement: select, plans: 7 }]);
  });

  it('fail with the database error on a bad value, and the connection and the statement go on working', async () => {
    await expect(db.query(select, [['not a number'], 1], { prepare: true })).rejects.toMatchObject({ code: '22P02' });
    expect(await db.query(select, [[1], 1], { prepare: true })).toEqual([{ id: 1, name: 'one', doubled: 2 }]);
    expect(await db.query<{ n: number }>('select count(*)::int as n from prepared_probe')).toEqual([{ n: 3 }]);
    // The pool replaces a Postgres connection a statement failed on; the statement is prepared on the new one.
    expect((await preparedHere(db)).map((s) => s.statement)).toEqual([select]);
  });

  it('run inside the transaction they are given in: they see its rows, and its rollback undoes what they wrote', async () => {
    const insert = `insert into prepared_probe values ($1::int, $2::text) returning id`;
    await expect(
      db.transaction(async (tx) => {
        await tx.query(insert, [4, 'four'], { prepare: true });
        expect(await tx.query(select, [[4], 1], { prepare: true })).toEqual([{ id: 4, name: 'four', doubled: 2 }]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await db.query(select, [[4], 1], { prepare: true })).toEqual([]);
  });

  it('survive a migration that changes their result columns: prepared again, they return the new columns', async () => {
    // Postgres re-plans a prepared statement by itself after most schema changes, but refuses one
    // whose result columns changed ("cached plan must not change result type").
    await db.exec(`alter table prepared_probe alter column name type varchar(20)`);
    await db.exec(`update prepared_probe set name = 'uno' where id = 1`);
    expect(await db.query(select, [[1], 1], { prepare: true })).toEqual([{ id: 1, name: 'uno', doubled: 2 }]);
    // Prepared again under a new name, which is then reused.
    const latest = async () => (await preparedHere(db)).filter((s) => s.statement === select).at(-1)!.plans;
    const before = await latest();
    expect(await db.query(select, [[2], 1], { prepare: true })).toEqual([{ id: 2, name: 'two', doubled: 2 }]);
    expect(await latest()).toBe(before + 1);
  });
});

describe('statements run with prepare on PGlite alone', () => {
  let db: Db;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await openOneConnection('pglite'));
    await db.exec(`create table prepared_probe (id int primary key, name text not null);
      insert into prepared_probe values (1, 'one'), (2, 'two'), (3, 'three');`);
  });
  afterAll(() => close());

  it('use one plan for every value, and leave the session\'s plan choice as it was, after a failure too', async () => {
    const count = `select count(*)::int as n from prepared_probe where id > $1::int`;
    for (const after of [0, 1, 2, 3, 4, 5, 6]) await db.query(count, [after], { prepare: true });
    await expect(db.query(count, ['x'], { prepare: true })).rejects.toMatchObject({ code: '22P02' });
    expect(await db.query(`select generic_plans, custom_plans from pg_prepared_statements where statement = $1`, [count])).toEqual([{ generic_plans: 7, custom_plans: 0 }]);
    expect(await db.query(`select current_setting('plan_cache_mode') as mode`)).toEqual([{ mode: 'auto' }]);
  });
});

describe.each<Engine>(['pglite', 'postgres'])('the search statement on %s', (engine) => {
  let db: Db;
  let close: () => Promise<void>;
  let tenant: string;

  beforeAll(async () => {
    ({ db, close } = await openOneConnection(engine));
    tenant = (await createTenant(db, { name: 'A', allowedOrigins: [] })).tenant.id;
    await upsertDocument(db, tenant, { externalId: 'refunds', title: 'Refunds', content: '# Refunds\n\nAsk for a refund within 30 days of your order.' });
    await upsertDocument(db, tenant, { externalId: 'shipping', title: 'Shipping', content: '# Shipping\n\nOrders ship within two days; express delivery costs extra.' });
  });
  afterAll(() => close());

  it('is one prepared statement for every kind of question, reused on the connection, with the passages the unprepared statement returns', async () => {
    const questions: [string, Parameters<typeof searchPassages>[3]][] = [
      ['how do I get a refund', {}],
      ['"express delivery" -refund', {}],
      ['refun* days', { limit: 2 }],
      ['and how long does that take', { context: 'shipping orders' }],
      ['refund', { tags: ['billing'] }],
      ['shipping', { paraphrases: false }],
    ];
    // The same database without preparing: the statement as it ran before.
    const unprepared: Db = { ...db, query: (sql, params) => db.query(sql, params) };
    for (const [question, opts] of questions) {
      const passages = await searchPassages(db, tenant, question, opts);
      expect(passages).toEqual(await searchPassages(unprepared, tenant, question, opts));
      if (question === 'how do I get a refund') expect(passages.map((p) => p.externalId)).toEqual(['refunds']);
    }
    const statements = await preparedHere(db);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ plans: questions.length });
  });
});
