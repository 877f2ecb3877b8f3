import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBodySchema } from '@prex/protocol';
import { makeTenant, readJson, startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const doc = {
  externalId: 'returns/policy',
  title: 'Returns policy',
  url: 'https://help.acme.example/returns',
  content: '# Returns\n\nYou can return any item within 30 days.\n\n## Damaged items\n\nSend us a photo and we replace it.',
};

function admin(path: string, init: RequestInit & { secret?: string } = {}) {
  const { secret = app.secretKey, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (secret) headers.set('Authorization', `Bearer ${secret}`);
  if (rest.body) headers.set('Content-Type', 'application/json');
  return fetch(`${app.url}/v1/admin/documents${path}`, { ...rest, headers });
}

async function expect401(res: Response, message: RegExp) {
  expect(res.status).toBe(401);
  const body = errorBodySchema.parse(await readJson(res));
  expect(body.error.code).toBe('unauthorized');
  expect(body.error.message).toMatch(message);
}

describe('admin documents', () => {
  it('needs the secret key: missing, the publishable key, or a wrong secret → 401', async () => {
    await expect401(await admin('', { secret: '' }), /Missing Authorization/);
    await expect401(await admin('', { secret: app.publishableKey }), /secret key \(sk_…\), not the publishable key/);
    await expect401(await admin('', { secret: `sk_${'0'.repeat(64)}` }), /Invalid secret key/);
    await expect401(await admin('', { method: 'POST', secret: app.publishableKey, body: JSON.stringify(doc) }), /not the publishable key/);
  });

  it('POST creates (201), repeats as unchanged (200), updates on change (200)', async () => {
    const created = await admin('', { method: 'POST', body: JSON.stringify(doc) });
    expect(created.status).toBe(201);
    const first = await readJson(created);
    expect(first).toMatchObject({ externalId: doc.externalId, chunks: 2, unchanged: false });
    expect(first.documentId).toMatch(/^doc_/);

    const again = await admin('', { method: 'POST', body: JSON.stringify(doc) });
    expect(again.status).toBe(200);
    expect(await readJson(again)).toEqual({ ...first, unchanged: true });

    const changed = await admin('', { method: 'POST', body: JSON.stringify({ ...doc, content: `${doc.content}\n\n## Refunds\n\nRefunds take 5 days.` }) });
    expect(changed.status).toBe(200);
    expect(await readJson(changed)).toMatchObject({ documentId: first.documentId, chunks: 3, unchanged: false });
  });

  it('GET lists the tenant’s documents, and search finds them', async () => {
    const res = await admin('');
    expect(res.status).toBe(200);
    const { documents } = await readJson(res);
    expect(documents).toEqual([
      expect.objectContaining({ externalId: doc.externalId, title: doc.title, url: doc.url, chunks: 3, documentId: expect.stringMatching(/^doc_/) }),
    ]);
    const search = await admin('/search?q=return+a+damaged+item');
    const { passages } = await readJson(search);
    expect(passages[0]).toMatchObject({ title: 'Returns policy', section: 'Returns › Damaged items' });
  });

  it('another tenant’s secret sees none of it and cannot delete it', async () => {
    const other = await makeTenant(app.db, 'Other');
    const list = await admin('', { secret: other.secretKey });
    expect((await readJson(list)).documents).toEqual([]);
    const del = await admin(`/${encodeURIComponent(doc.externalId)}`, { method: 'DELETE', secret: other.secretKey });
    expect(del.status).toBe(404);
    expect((await readJson(await admin(''))).documents).toHaveLength(1);
  });

  it('DELETE removes it (204), then 404', async () => {
    const path = `/${encodeURIComponent(doc.externalId)}`;
    expect((await admin(path, { method: 'DELETE' })).status).toBe(204);
    const again = await admin(path, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect((await readJson(again)).error.message).toContain(doc.externalId);
    expect((await readJson(await admin(''))).documents).toEqual([]);
  });

  it('accepts a document far above the chat body limit', async () => {
    const big = { externalId: 'big', title: 'Big', content: `# Big\n\n${'A long paragraph about widgets and gadgets. '.repeat(400)}\n\n`.repeat(10) };
    const res = await admin('', { method: 'POST', body: JSON.stringify(big) });
    expect(res.status).toBe(201);
    expect((await readJson(res)).chunks).toBeGreaterThan(50);
    const tooBig = await admin('', { method: 'POST', body: JSON.stringify({ ...big, content: 'x'.repeat(1_000_001) }) });
    expect(tooBig.status).toBe(400);
    expect((await readJson(tooBig)).error.issues[0].path).toBe('content');
  });
});
