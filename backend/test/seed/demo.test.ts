import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetConfigResponseSchema } from '@prex/protocol';
import type { Db } from '../../src/db/db.js';
import { listAgents, resolveAgent } from '../../src/agents/repository.js';
import { listDocuments } from '../../src/knowledge/repository.js';
import { deleteProduct, getProduct } from '../../src/products/repository.js';
import { ANSWER_THRESHOLD, answeringPassages, searchPassages } from '../../src/knowledge/search/index.js';
import { loadDemoArticles, seedDemo, type DemoSeedResult } from '../../src/seed/demo.js';
import { startServer } from '../../src/server.js';
import { verifySecretKey } from '../../src/tenants/repository.js';
import { DEMO_OWNER_EMAIL, demoOwnerNotice } from '../../src/seed/demo-owner.js';
import { readJson, testConfig } from '../helpers/app.js';
import { openMemoryDb, silentLog } from '../helpers/db.js';
import { staffBrowser } from '../helpers/staff.js';

const demo = { enabled: true, publishableKey: 'pk_demo_northwind', origins: ['http://localhost:8080'] };

let db: Db;
let first: DemoSeedResult;

beforeAll(async () => {
  db = await openMemoryDb();
  first = await seedDemo(db, demo, silentLog);
});
afterAll(() => db?.close());

describe('demo seed', () => {
  it('creates the tenant with the configured key and origins, and the whole knowledge base', async () => {
    const articles = await loadDemoArticles();
    expect(articles.length).toBeGreaterThanOrEqual(8);
    expect(first.tenant.publishableKey).toBe(demo.publishableKey);
    expect(first.tenant.allowedOrigins).toEqual(demo.origins);
    expect(first.ingested).toBe(articles.length);
    expect(await verifySecretKey(db, first.secretKey!)).toMatchObject({ ok: true, tenant: { id: first.tenant.id } });
    const docs = await listDocuments(db, first.tenant.id);
    expect(docs.map((d) => d.externalId).sort()).toEqual(articles.map((a) => a.externalId).sort());
    for (const d of docs) {
      expect(d.url).toBe(`https://help.northwind.example/${d.externalId}`);
      expect(d.chunks).toBeGreaterThan(0);
    }
  });

  it('is idempotent: a second start changes nothing and shows no secret', async () => {
    const before = await listDocuments(db, first.tenant.id);
    const second = await seedDemo(db, demo, silentLog);
    expect(second.tenant.id).toBe(first.tenant.id);
    expect(second.secretKey).toBeUndefined();
    expect(second.owner).toBeUndefined();
    expect(second).toMatchObject({ ingested: 0, unchanged: before.length, agents: 0, products: 0 });
    expect(await listDocuments(db, first.tenant.id)).toEqual(before);
  });

  it('gives the demo a default support agent, a sales agent and a product catalog, once', async () => {
    expect(first).toMatchObject({ agents: 2, products: 8 });
    const agents = await listAgents(db, first.tenant.id);
    expect(agents.map((a) => [a.name, a.isDefault])).toEqual(expect.arrayContaining([['support', true], ['sales', false]]));
    expect((await resolveAgent(db, first.tenant.id)).persona).toContain('Happy writing!');
    const plus = await getProduct(db, first.tenant.id, 'plan-plus-yearly');
    expect(plus).toMatchObject({ name: 'Plus (yearly)', currency: 'USD', inStock: true });

    await deleteProduct(db, first.tenant.id, 'sticker-pack');
    const again = await seedDemo(db, demo, silentLog);
    expect(again).toMatchObject({ agents: 0, products: 0 });
    expect(await getProduct(db, first.tenant.id, 'sticker-pack')).toBeUndefined();
  });

  it('updates the allowed origins when the configuration changes', async () => {
    const moved = await seedDemo(db, { ...demo, origins: ['https://demo.example', 'http://localhost:8080'] }, silentLog);
    expect(moved.tenant.allowedOrigins).toEqual(['https://demo.example', 'http://localhost:8080']);
    await seedDemo(db, demo, silentLog);
  });
});

describe('search relevance on the demo knowledge base', () => {
  it('"how do I get a refund" ranks the billing and refunds article first', async () => {
    const hits = await searchPassages(db, first.tenant.id, 'how do I get a refund?');
    expect(hits[0]?.url).toBe('https://help.northwind.example/billing-and-refunds');
    expect(hits[0]!.score).toBeGreaterThanOrEqual(ANSWER_THRESHOLD);
    expect(hits[0]!.snippet.toLowerCase()).toContain('refund');
  });

  it.each([
    ['can I use it offline', 'sync-and-offline'],
    ['how do I export my notes to PDF', 'import-and-export'],
    ['is my data encrypted', 'security-and-privacy'],
    ['can I share a notebook with my team', 'sharing-and-permissions'],
    ['do you have a student discount', 'plans-and-pricing'],
    ['forgot my password', 'troubleshooting'],
    // Everyday wording the articles do not use: found through paraphrases, and answered.
    ['I want my money back', 'billing-and-refunds'],
    ['how much does it cost', 'plans-and-pricing'],
  ])('"%s" → %s, above the answer threshold', async (question, slug) => {
    const hits = answeringPassages(await searchPassages(db, first.tenant.id, question));
    expect(hits[0]?.url).toBe(`https://help.northwind.example/${slug}`);
  });

  it.each([
    'quantum chromodynamics',
    'what is the weather today',
    'who won the football match yesterday',
    'tell me a joke about cats',
    'how do I change a car tyre',
    'how do I cancel my flight booking',
  ])(
    '"%s" returns nothing above the answer threshold',
    async (question) => {
      expect(answeringPassages(await searchPassages(db, first.tenant.id, question))).toEqual([]);
    },
  );
});

describe('server start with the demo enabled', () => {
  it('seeds on start and serves the demo tenant to an allowed origin; a restart seeds nothing new', async () => {
    const config = testConfig({ PREX_SEED_DEMO: 'true', PREX_DEMO_ORIGINS: 'http://localhost:8080' });
    const server = await startServer({ config, db, log: silentLog });
    try {
      expect(server.demo).toMatchObject({ ingested: 0 });
      expect(server.demo?.secretKey).toBeUndefined();
      const res = await fetch(`${server.url}/v1/widget/config`, { headers: { 'x-prex-key': demo.publishableKey, Origin: 'http://localhost:8080' } });
      expect(res.status).toBe(200);
      expect(widgetConfigResponseSchema.parse(await res.json()).tenant.name).toBe('Northwind Notes');
    } finally {
      await server.close();
    }
    // The caller's database stays open after close().
    expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
  });
});

describe('the demo owner (console sign-in)', () => {
  it('is made on the first start with a password returned once, stored only as a hash, and signs in to the console', async () => {
    const fresh = await openMemoryDb();
    const config = testConfig({ PREX_SEED_DEMO: 'true', PREX_DEMO_ORIGINS: 'http://localhost:8080', PREX_RATE_LIMIT_PER_MINUTE: '100000' });
    try {
      const server = await startServer({ config, db: fresh, log: silentLog });
      try {
        const owner = server.demo?.owner;
        expect(owner).toEqual({ email: DEMO_OWNER_EMAIL, password: expect.any(String) });
        const stored = await fresh.query<{ role: string; password_hash: string }>('select role, password_hash from staff_accounts where email = $1', [DEMO_OWNER_EMAIL]);
        expect(stored).toHaveLength(1);
        expect(stored[0]!.role).toBe('owner');
        expect(stored[0]!.password_hash).not.toContain(owner!.password);

        const signIn = await staffBrowser(server.url).login(owner!.email, owner!.password);
        expect(signIn.status).toBe(200);
        expect(await readJson(signIn)).toMatchObject({ account: { email: DEMO_OWNER_EMAIL, role: 'owner' }, tenant: { id: server.demo!.tenant.id, name: 'Northwind Notes' } });

        // What main prints: where to sign in, the email and the password, and how to get back in.
        const notice = demoOwnerNotice(owner!, server.url, config.demo.publishableKey);
        expect(notice).toContain(`${server.url}/console`);
        expect(notice).toContain(`email:    ${DEMO_OWNER_EMAIL}`);
        expect(notice).toContain(`password: ${owner!.password}`);
        expect(notice).toContain(`prex staff create --tenant ${config.demo.publishableKey}`);
      } finally {
        await server.close();
      }
      // A restart finds the owner and shows no password again; the first password still works.
      const again = await startServer({ config, db: fresh, log: silentLog });
      try {
        expect(again.demo?.owner).toBeUndefined();
        expect(await fresh.query('select 1 from staff_accounts where email = $1', [DEMO_OWNER_EMAIL])).toHaveLength(1);
      } finally {
        await again.close();
      }
    } finally {
      await fresh.close();
    }
  });
});
