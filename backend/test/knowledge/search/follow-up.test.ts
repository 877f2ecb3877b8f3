import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/db.js';
import { upsertDocument } from '../../../src/knowledge/ingest.js';
import { answeringPassages, followUpContext, isFollowUp, searchPassages } from '../../../src/knowledge/search/index.js';
import { createTenant } from '../../../src/tenants/repository.js';
import { openMemoryDb } from '../../helpers/db.js';

const REFUND_TURNS = [
  { role: 'user' as const, text: 'How do I get a refund?' },
  { role: 'assistant' as const, text: 'You can ask for a refund within 30 days [1].' },
];

describe('follow-up questions', () => {
  it('tells a follow-up from a question that stands on its own', () => {
    expect(isFollowUp('and how long does that take?')).toBe(true);
    expect(isFollowUp('what about on Android?')).toBe(true);
    expect(isFollowUp('Android?')).toBe(true);
    expect(isFollowUp('How do I export my notes to PDF?')).toBe(false);
    expect(isFollowUp('Can I share a notebook with my team and set who can edit it?')).toBe(false);
  });

  it('carries the previous question’s topic words, not its framing', () => {
    expect(followUpContext('and how long does that take?', REFUND_TURNS)).toBe('refund');
    expect(followUpContext('How do I export my notes to PDF?', REFUND_TURNS)).toBeUndefined();
    expect(followUpContext('and how long does that take?', [])).toBeUndefined();
  });
});

describe('search for a follow-up', () => {
  let db: Db;
  let tenantId: string;
  beforeAll(async () => {
    db = await openMemoryDb();
    tenantId = (await createTenant(db, { name: 'Follow-ups', allowedOrigins: [] })).tenant.id;
    const docs = [
      { externalId: 'refunds', title: 'Refunds', content: 'Refunds take 5 to 10 business days to reach your card after we approve them.' },
      { externalId: 'export', title: 'Export', content: 'Exporting a notebook can take a few minutes; you get an email when it is ready.' },
      { externalId: 'android', title: 'Android app', content: 'On Android, offline notes are kept for 30 days.' },
    ];
    for (const d of docs) await upsertDocument(db, tenantId, d);
  }, 60_000);
  afterAll(() => db.close());

  it('finds the earlier topic’s passage for a question that only points back at it', async () => {
    const context = followUpContext('and how long does that take?', REFUND_TURNS);
    expect((await searchPassages(db, tenantId, 'and how long does that take?', { context }))[0]?.externalId).toBe('refunds');
    // Alone, the same words pick the passage that happens to say "take" and is shorter.
    expect((await searchPassages(db, tenantId, 'and how long does that take?'))[0]?.externalId).toBe('export');
  });

  it('answers the follow-up from the earlier topic’s passage, and declines it without the conversation', async () => {
    const context = followUpContext('and how long does that take?', REFUND_TURNS);
    expect(answeringPassages(await searchPassages(db, tenantId, 'and how long does that take?', { context })).map((p) => p.externalId)).toEqual(['refunds']);
    expect(answeringPassages(await searchPassages(db, tenantId, 'and how long does that take?'))).toEqual([]);
  });

  it('still puts the new question’s own subject first when it names one', async () => {
    const context = followUpContext('what about on Android?', REFUND_TURNS);
    expect(context).toBe('refund');
    expect((await searchPassages(db, tenantId, 'what about on Android?', { context }))[0]?.externalId).toBe('android');
  });
});
