import { describe, expect, it } from 'vitest';
import { mergeAttributes, type StoredAttributes } from '../../src/customers/attributes.js';

/** The merge rules on their own: which keys change, which are verified, what is refused. */

const stored: StoredAttributes = { values: { plan: 'Free', company: 'Acme', seats: 3 }, verified: ['plan'] };

describe('mergeAttributes', () => {
  it('sets, replaces and removes; a signed key becomes verified, an unsigned one stays unverified', () => {
    const merged = mergeAttributes(stored, { signed: { seats: 5, tier: 'gold' }, unsigned: { company: null, team: 'Ops' } }, 20);
    expect(merged).toEqual({ ok: true, attributes: { values: { plan: 'Free', seats: 5, tier: 'gold', team: 'Ops' }, verified: ['plan', 'seats', 'tier'] } });
  });

  it('a signed null removes a verified key and its verification', () => {
    expect(mergeAttributes(stored, { signed: { plan: null }, unsigned: {} }, 20)).toEqual({ ok: true, attributes: { values: { company: 'Acme', seats: 3 }, verified: [] } });
  });

  it.each([
    ['changes a stored verified key', { signed: {}, unsigned: { plan: 'Enterprise' } }],
    ['removes a stored verified key', { signed: {}, unsigned: { plan: null } }],
    ['contradicts a key signed in the same request', { signed: { seats: 5 }, unsigned: { seats: 500 } }],
  ])('refuses an unsigned value that %s, naming the key', (_case, changes) => {
    const merged = mergeAttributes(stored, changes, 20);
    expect(merged.ok).toBe(false);
    expect(merged).toMatchObject({ key: Object.keys(changes.unsigned)[0] });
  });

  it('lets an unsigned value equal to the verified one through, keeping it verified', () => {
    expect(mergeAttributes(stored, { signed: { seats: 5 }, unsigned: { plan: 'Free', seats: 5 } }, 20)).toEqual({
      ok: true,
      attributes: { values: { plan: 'Free', company: 'Acme', seats: 5 }, verified: ['plan', 'seats'] },
    });
  });

  it('refuses a merge that would leave more than the limit, and counts removals first', () => {
    expect(mergeAttributes(stored, { signed: { a: 1 }, unsigned: {} }, 3)).toMatchObject({ ok: false, key: null, problem: expect.stringMatching(/more than 3 attributes/) });
    expect(mergeAttributes(stored, { signed: { a: 1 }, unsigned: { company: null } }, 3).ok).toBe(true);
  });
});
