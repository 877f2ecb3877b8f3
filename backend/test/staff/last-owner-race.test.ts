import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { changeRole, removeAccount } from '../../src/staff/team-members.js';
import { listAccounts } from '../../src/staff/accounts.js';
import { makeTenant } from '../helpers/app.js';
import { openEngine } from '../helpers/db.js';
import { makeStaff } from '../helpers/staff.js';

/**
 * Two owners who demote (or remove) each other at the same moment, on a Postgres server where the
 * two transactions really run side by side: one wins, the other is told the workspace would have
 * no owner. Without the lock on the owners' rows both checks see "another owner remains".
 */

/**
 * Makes two transactions overlap for sure: each waits, after its first statement (reading the
 * target account), until the other has run its own first statement too.
 */
function overlapping(db: Db): Db {
  let arrived = 0;
  let release!: () => void;
  const bothArrived = new Promise<void>((resolve) => (release = resolve));
  return {
    ...db,
    transaction: (work) =>
      db.transaction((tx) => {
        let first = true;
        const paced: Db = {
          ...tx,
          async query(sql, params) {
            const rows = await tx.query(sql, params);
            if (first) {
              first = false;
              if (++arrived === 2) release();
              await bothArrived;
            }
            return rows as never;
          },
        };
        return work(paced);
      }),
  };
}

let engine: Awaited<ReturnType<typeof openEngine>>;
beforeAll(async () => {
  engine = await openEngine('postgres');
});
afterAll(async () => {
  await engine?.close();
});

it('two owners demoting each other at once leave exactly one owner', { timeout: 60_000 }, async () => {
  const { tenant } = await makeTenant(engine.db, 'Race');
  const a = await makeStaff(engine.db, tenant.id, 'a@race.example', 'owner');
  const b = await makeStaff(engine.db, tenant.id, 'b@race.example', 'owner');
  const racing = overlapping(engine.db);
  const outcomes = await Promise.all([
    changeRole(racing, { tenantId: tenant.id, accountId: a.id, role: 'owner' }, b.id, 'agent'),
    changeRole(racing, { tenantId: tenant.id, accountId: b.id, role: 'owner' }, a.id, 'agent'),
  ]);
  expect(outcomes.map((o) => o.kind).sort()).toEqual(['changed', 'last-owner']);
  expect((await listAccounts(engine.db, tenant.id)).filter((x) => x.role === 'owner')).toHaveLength(1);
});

it('two owners removing each other at once leave exactly one owner', { timeout: 60_000 }, async () => {
  const { tenant } = await makeTenant(engine.db, 'Race 2');
  const a = await makeStaff(engine.db, tenant.id, 'a@race2.example', 'owner');
  const b = await makeStaff(engine.db, tenant.id, 'b@race2.example', 'owner');
  const racing = overlapping(engine.db);
  const outcomes = await Promise.all([
    removeAccount(racing, { tenantId: tenant.id, accountId: a.id, role: 'owner' }, b.id),
    removeAccount(racing, { tenantId: tenant.id, accountId: b.id, role: 'owner' }, a.id),
  ]);
  expect(outcomes.map((o) => o.kind).sort()).toEqual(['last-owner', 'removed']);
  expect((await listAccounts(engine.db, tenant.id)).map((x) => x.role)).toEqual(['owner']);
});
