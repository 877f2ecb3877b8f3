import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, resolveAgent } from '../../src/agents/repository.js';
import { migrate } from '../../src/db/migrate.js';
import { openPglite } from '../../src/db/pglite.js';
import { findDocument, listVersions } from '../../src/knowledge/repository.js';
import { searchPassages } from '../../src/knowledge/search/index.js';
import { createTenant } from '../../src/tenants/repository.js';
import { makeDocx, makePdf } from '../fixtures/documents.js';
import { readJson, startTestApp } from '../helpers/app.js';
import { ensureBuilt, prex } from '../helpers/cli.js';
import { silentLog } from '../helpers/db.js';

let dir: string;
let kb: string;
/** A second tree for the --tags runs: tagged documents next to the untagged ones in kb. */
let priced: string;
let dataDir: string;
let tenantId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-cli-'));
  kb = path.join(dir, 'kb');
  dataDir = path.join(dir, 'data');
  await mkdir(path.join(kb, 'billing'), { recursive: true });
  await mkdir(path.join(kb, '.git'), { recursive: true });
  await writeFile(path.join(kb, 'billing/refunds.md'), '# Refunds\n\nRefunds take five business days.\n\n## Annual plans\n\nPro rata after the first month.');
  await writeFile(path.join(kb, 'hours.html'), '<html><head><title>Hours</title></head><body><nav>Menu</nav><h1>Hours</h1><p>Open nine to five.</p></body></html>');
  await writeFile(path.join(kb, 'warranty.pdf'), makePdf([['Two year warranty on every device.']], 'Warranty'));
  await writeFile(path.join(kb, 'handbook.docx'), makeDocx([{ heading: 1, text: 'Handbook' }, { text: 'Welcome.' }]));
  await writeFile(path.join(kb, 'faq.csv'), 'question,answer\nDo you ship abroad?,Yes.\n');
  await writeFile(path.join(kb, 'broken.pdf'), 'this is not a pdf');
  await writeFile(path.join(kb, 'logo.png'), 'png');
  await writeFile(path.join(kb, '.git/config'), 'ignored');
  priced = path.join(dir, 'priced');
  await mkdir(priced, { recursive: true });
  await writeFile(path.join(priced, 'plans.md'), '# Plans\n\nThe Pro plan costs 20 dollars; refunds of the plan within 14 days.');
  await writeFile(path.join(priced, 'discounts.txt'), 'Annual plans get two months free.');
  const [, db] = await Promise.all([ensureBuilt(), openPglite(dataDir)]);
  await migrate(db, silentLog);
  tenantId = (await createTenant(db, { name: 'Acme', allowedOrigins: [], publishableKey: 'pk_cli_test_tenant' })).tenant.id;
  await db.close();
}, 180_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('prex ingest (direct to the database)', () => {
  const env = () => ({ PREX_DATA_DIR: dataDir });

  it('ingests a directory: progress lines, a summary, failures with reasons, exit 1 when something failed', async () => {
    const out = await prex(['ingest', kb, '--tenant', 'pk_cli_test_tenant'], env());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`Ingesting 6 document(s) into tenant ${tenantId} (Acme)`);
    expect(out.stdout).toMatch(/\[\d\/6\] billing\/refunds\.md: 2 chunks \(version 1\)/);
    expect(out.stdout).toMatch(/\[\d\/6\] broken\.pdf: failed: "broken\.pdf" is not a PDF/);
    const summary = out.stdout.slice(out.stdout.lastIndexOf('\ndocuments:'));
    expect(summary).toBe(
      [
        '',
        'documents: 6',
        'indexed: 5',
        'chunks: 6',
        'skipped unchanged: 0',
        'skipped unsupported files in directories: 1',
        'failures: 1',
        '  broken.pdf: "broken.pdf" is not a PDF (no %PDF- header)',
        '',
      ].join('\n'),
    );
  });

  it('a second run skips what is unchanged and re-indexes what changed (by tenant id)', async () => {
    await writeFile(path.join(kb, 'billing/refunds.md'), '# Refunds\n\nRefunds now take three business days.');
    await rm(path.join(kb, 'broken.pdf'));
    const out = await prex(['ingest', kb, '--tenant', tenantId], env());
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('billing/refunds.md: 1 chunks (version 2)');
    expect(out.stdout).toContain('hours.html: unchanged');
    expect(out.stdout).toMatch(/documents: 5\nindexed: 1\nchunks: 1\nskipped unchanged: 4\n/);
    expect(out.stdout).toMatch(/failures: 0\n$/);

    const db = await openPglite(dataDir);
    try {
      const doc = await findDocument(db, tenantId, 'billing/refunds.md');
      expect(doc).toMatchObject({ version: 2, chunks: 1 });
      expect((await listVersions(db, tenantId, doc!.id)).map((v) => v.chunkCount)).toEqual([1, 2]);
    } finally {
      await db.close();
    }
  });

  it('named files: an unsupported one is a failure with its reason; bad usage says what is wrong', async () => {
    const out = await prex(['ingest', path.join(kb, 'faq.csv'), path.join(kb, 'logo.png'), '--tenant', tenantId, '--chunk-tokens', '120'], env());
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('faq.csv: 1 chunks (version 2)');
    expect(out.stdout).toContain('  logo.png: Unsupported file type .png');

    const noTenant = await prex(['ingest', kb], env());
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toMatch(/--tenant is required/);
    const unknown = await prex(['ingest', kb, '--tenant', 'pk_nobody_here'], env());
    expect(unknown.stderr).toMatch(/No tenant pk_nobody_here/);
    const missing = await prex(['ingest', path.join(dir, 'nope'), '--tenant', tenantId], env());
    expect(missing.stderr).toMatch(/nope: no such file or directory/);
    const badBudget = await prex(['ingest', kb, '--tenant', tenantId, '--chunk-tokens', '3'], env());
    expect(badBudget.stderr).toMatch(/--chunk-tokens.*between 32 and 8000/);
  });

  it('--tags (comma-separated and repeated) tags every file; an agent’s filter then retrieves only them', async () => {
    const out = await prex(['ingest', priced, '--tenant', tenantId, '--tags', 'Pricing, eu', '--tags', 'promo', '--no-progress'], env());
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Ingesting 2 document\(s\) into tenant .* with tags pricing, eu, promo\n/);
    const again = await prex(['ingest', priced, '--tenant', tenantId, '--no-progress'], env());
    expect(again.stdout).toMatch(/skipped unchanged: 2\n/);

    const db = await openPglite(dataDir);
    try {
      // The run without --tags kept them.
      for (const id of ['plans.md', 'discounts.txt']) expect((await findDocument(db, tenantId, id))!.tags).toEqual(['pricing', 'eu', 'promo']);
      expect((await findDocument(db, tenantId, 'billing/refunds.md'))!.tags).toEqual([]);
      await createAgent(db, tenantId, { name: 'sales', knowledgeFilter: { tags: ['pricing'] } });
      const sales = await resolveAgent(db, tenantId, 'sales');
      const titles = async (tags?: string[]) => [...new Set((await searchPassages(db, tenantId, 'refunds plan', { tags })).map((p) => p.title))].sort();
      expect(await titles()).toEqual(expect.arrayContaining(['Plans', 'Refunds']));
      expect(await titles(sales.knowledgeFilter.tags)).toEqual(['Plans', 'discounts']);
    } finally {
      await db.close();
    }
  });

  it('bad --tags are refused before anything is read, saying what is wrong', async () => {
    const bad = await prex(['ingest', priced, '--tenant', tenantId, '--tags', 'ok,not ok'], env());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/option '--tags <list>' argument 'ok,not ok' is invalid\. tag may hold only letters, digits/);
    const many = await prex(['ingest', priced, '--tenant', tenantId, '--tags', Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')], env());
    expect(many.stderr).toMatch(/at most 20 tags/);
  });
});

describe('prex ingest --api (through the admin API)', () => {
  it('--tags travel in the upload: every document gets them; an empty --tags clears them', async () => {
    const app = await startTestApp();
    const headers = { authorization: `Bearer ${app.secretKey}` };
    const tagsOf = async (id: string) => (await readJson(await fetch(`${app.url}/v1/admin/documents/${encodeURIComponent(id)}`, { headers }))).document.tags;
    try {
      const out = await prex(['ingest', priced, '--api', app.url, '--tags', 'pricing,eu', '--no-progress'], { PREX_SECRET_KEY: app.secretKey });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(`Uploading 2 document(s) to ${app.url} with tags pricing, eu`);
      expect(await tagsOf('plans.md')).toEqual(['pricing', 'eu']);
      expect(await tagsOf('discounts.txt')).toEqual(['pricing', 'eu']);
      await fetch(`${app.url}/v1/admin/agents`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'sales', knowledgeFilter: { tags: ['pricing'] } }) });
      const search = await readJson(await fetch(`${app.url}/v1/admin/documents/search?q=annual+plans&agent=sales`, { headers }));
      expect(search.passages.map((p: { title: string }) => p.title)).toContain('discounts');

      const cleared = await prex(['ingest', priced, '--api', app.url, '--tags', '', '--no-progress'], { PREX_SECRET_KEY: app.secretKey });
      expect(cleared.stdout).toContain('clearing their tags');
      expect(await tagsOf('plans.md')).toEqual([]);
      const none = await readJson(await fetch(`${app.url}/v1/admin/documents/search?q=annual+plans&agent=sales`, { headers }));
      expect(none.passages).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('uploads, waits for the job, and prints the same summary', async () => {
    const app = await startTestApp();
    try {
      const out = await prex(['ingest', kb, '--api', app.url], { PREX_SECRET_KEY: app.secretKey });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(`Uploading 5 document(s) to ${app.url}`);
      expect(out.stdout).toMatch(/documents: 5\nindexed: 5\nchunks: 5\nskipped unchanged: 0\nskipped unsupported files in directories: 1\nfailures: 0\n$/);
      const list = await readJson(await fetch(`${app.url}/v1/admin/documents`, { headers: { authorization: `Bearer ${app.secretKey}` } }));
      expect(list.documents.map((d: { externalId: string }) => d.externalId)).toEqual(['billing/refunds.md', 'faq.csv', 'handbook.docx', 'hours.html', 'warranty.pdf']);

      const again = await prex(['ingest', kb, '--api', app.url], { PREX_SECRET_KEY: app.secretKey });
      expect(again.stdout).toMatch(/skipped unchanged: 5\n/);
      const noKey = await prex(['ingest', kb, '--api', app.url], {});
      expect(noKey.stderr).toMatch(/PREX_SECRET_KEY/);
      const wrongKey = await prex(['ingest', kb, '--api', app.url], { PREX_SECRET_KEY: `sk_${'0'.repeat(64)}` });
      expect(wrongKey.stderr).toMatch(/upload failed: 401 Invalid secret key/);
    } finally {
      await app.close();
    }
  });
});
