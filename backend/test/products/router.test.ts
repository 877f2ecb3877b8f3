import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product, ProductListResponse } from '@prex/protocol';
import { makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

/** The catalog admin API over HTTP against a real server and PGlite. */

let app: TestApp;
let other: TestTenant;

const admin = (path: string, init: RequestInit & { secret?: string } = {}) => {
  const { secret, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('authorization', `Bearer ${secret ?? app.secretKey}`);
  return app.request(path, { ...rest, headers });
};
const postJson = (path: string, body: unknown, secret?: string) =>
  admin(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), ...(secret ? { secret } : {}) });
const postCsv = (csv: string, type = 'text/csv') => admin('/v1/admin/products/import', { method: 'POST', headers: { 'content-type': type }, body: csv });
const list = async (query = '', secret?: string) => readJson<ProductListResponse>(await admin(`/v1/admin/products${query}`, secret ? { secret } : {}));

beforeAll(async () => {
  app = await startTestApp();
  other = await makeTenant(app.db, 'Other');
});

afterAll(async () => {
  await app.close();
});

describe('JSON upsert', () => {
  it('creates, then updates by sku, storing prices exactly', async () => {
    const first = await postJson('/v1/admin/products', [
      { sku: 'LAMP-1', name: 'Desk lamp', description: 'LED desk lamp with dimmer', price: '0.10', currency: 'usd', url: 'https://shop.example/lamp', inStock: true, attributes: { color: 'black', watts: 8 } },
      { sku: 'LAMP-2', name: 'Floor lamp', price: 59.99, currency: 'USD' },
    ]);
    expect(first.status).toBe(200);
    expect(await readJson(first)).toEqual({ created: 2, updated: 0 });

    const again = await postJson('/v1/admin/products', [{ sku: 'LAMP-2', name: 'Floor lamp XL', price: '64.5', currency: 'USD', inStock: false }]);
    expect(await readJson(again)).toEqual({ created: 0, updated: 1 });

    const lamp = await readJson<{ product: Product }>(await admin('/v1/admin/products/LAMP-1'));
    expect(lamp.product).toMatchObject({ sku: 'LAMP-1', price: '0.10', currency: 'USD', inStock: true, attributes: { color: 'black', watts: 8 } });
    const floor = await readJson<{ product: Product }>(await admin('/v1/admin/products/LAMP-2'));
    expect(floor.product).toMatchObject({ name: 'Floor lamp XL', price: '64.50', inStock: false, description: '' });
  });

  it('rejects the whole batch, naming each bad item by index, and saves nothing', async () => {
    const res = await postJson('/v1/admin/products', [
      { sku: 'OK-1', name: 'Fine' },
      { sku: 'BAD-1', name: 'No currency', price: '5' },
      { sku: 'BAD-2', name: '', url: 'javascript:alert(1)' },
      { sku: 'OK-1', name: 'Again' },
      { sku: 'BAD-3', name: 'Too precise', price: '1.005', currency: 'USD' },
    ]);
    expect(res.status).toBe(400);
    const body = await readJson(res);
    expect(body.error.message).toMatch(/^Invalid products: item 1: currency: currency is required with a price.*nothing was saved/);
    const paths = body.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['item 1.currency', 'item 2.name', 'item 2.url', 'item 3.sku', 'item 4.price']));
    expect(body.error.issues.find((i: { path: string }) => i.path === 'item 3.sku').message).toBe('item 3: sku OK-1 repeats item 0');
    expect((await admin('/v1/admin/products/OK-1')).status).toBe(404);
  });

  it('refuses more than 1000 items, a non-array and a non-JSON body with a 4xx', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ sku: `S${i}`, name: 'x' }));
    const tooMany = await postJson('/v1/admin/products', many);
    expect(tooMany.status).toBe(400);
    expect((await readJson(tooMany)).error.message).toMatch(/at most 1000/);
    expect((await postJson('/v1/admin/products', { sku: 'A', name: 'B' })).status).toBe(400);
    const broken = await admin('/v1/admin/products', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"sku":' });
    expect(broken.status).toBe(400);
  });
});

describe('CSV import', () => {
  it('imports quoted fields, commas, newlines and extra columns as attributes', async () => {
    const csv = [
      'sku,name,description,price,currency,url,in_stock,color,material',
      'CHAIR-1,"Chair, oak","A chair.\nSeats one, ""comfortably"".",149.00,EUR,https://shop.example/chair,yes,brown,oak',
      'CHAIR-2,Stool,,,,,no,,',
      '',
    ].join('\r\n');
    const res = await postCsv(csv);
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ created: 2, updated: 0 });
    const chair = (await readJson<{ product: Product }>(await admin('/v1/admin/products/CHAIR-1'))).product;
    expect(chair).toMatchObject({
      name: 'Chair, oak',
      description: 'A chair.\nSeats one, "comfortably".',
      price: '149.00',
      currency: 'EUR',
      inStock: true,
      attributes: { color: 'brown', material: 'oak' },
    });
    const stool = (await readJson<{ product: Product }>(await admin('/v1/admin/products/CHAIR-2'))).product;
    expect(stool).toMatchObject({ price: null, currency: null, url: null, inStock: false, attributes: {} });
  });

  it('names the line each bad row starts on (as a spreadsheet counts) and saves nothing', async () => {
    const csv = [
      'sku,name,description,price,currency,in_stock',
      'GOOD-1,Good,"spans',
      'two lines",1.00,USD,true',
      '',
      'BAD-1,Bad price,,abc,USD,true',
      'BAD-2,Bad stock,,2,USD,maybe',
    ].join('\r\n');
    const res = await postCsv(csv);
    expect(res.status).toBe(400);
    const body = await readJson(res);
    expect(body.error.message).toMatch(/^Invalid CSV: line 5: price: /);
    expect(body.error.issues.map((i: { path: string }) => i.path)).toEqual(['line 5.price', 'line 6.inStock']);
    expect((await admin('/v1/admin/products/GOOD-1')).status).toBe(404);
  });

  it('reports a row with the wrong number of columns, broken quoting and a missing header column', async () => {
    const wrongCount = await postCsv('sku,name\nA,Alpha\nB,Beta,extra\n');
    expect(wrongCount.status).toBe(400);
    expect((await readJson(wrongCount)).error.message).toBe('Invalid CSV: line 3: 3 cells, the header has 2; nothing was saved');

    const badQuote = await postCsv('sku,name\nA,"unterminated\n');
    expect(badQuote.status).toBe(400);
    expect((await readJson(badQuote)).error.message).toMatch(/^Invalid CSV: .*quote/i);

    const noName = await postCsv('sku,price\nA,1\n');
    expect(noName.status).toBe(400);
    expect((await readJson(noName)).error.message).toMatch(/lacks the column name/);
  });

  it('refuses a body over 5 MB with a 413', async () => {
    const res = await postCsv(`sku,name\n${'A,B\n'.repeat(1_400_000)}`);
    expect(res.status).toBe(413);
    expect((await readJson(res)).error.code).toBe('payload_too_large');
  });

  it('asks for text/csv when sent something else', async () => {
    const res = await postCsv('sku,name\nA,B\n', 'application/octet-stream');
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toMatch(/Content-Type: text\/csv/);
  });
});

describe('list, search, get, put, delete', () => {
  beforeAll(async () => {
    await postJson('/v1/admin/products', [
      { sku: 'KETTLE-1', name: 'Electric kettle', description: 'Boils water fast', inStock: true },
      { sku: 'KETTLE-2', name: 'Stovetop kettle', description: 'Whistling kettle for gas stoves', inStock: false },
    ]);
    await postJson('/v1/admin/products', [{ sku: 'KETTLE-9', name: 'Secret kettle of another tenant' }], other.secretKey);
  });

  it('searches the tenant\'s catalog by words, best match first, with paging', async () => {
    const found = await list('?q=whistling%20kettle');
    expect(found.products.map((p) => p.sku)).toEqual(['KETTLE-2', 'KETTLE-1']);
    expect(found.total).toBe(2);
    const page = await list('?q=kettle&limit=1&offset=1');
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.products).toHaveLength(1);
    expect(await list('?q=kettle&limit=1&offset=5')).toMatchObject({ products: [], total: 2 });
    expect((await list('?q=KETTLE-1')).products[0]!.sku).toBe('KETTLE-1');
  });

  it('never shows another tenant\'s products', async () => {
    expect((await list('?q=secret%20kettle')).products.map((p) => p.sku)).not.toContain('KETTLE-9');
    expect((await admin('/v1/admin/products/KETTLE-9')).status).toBe(404);
    expect((await list('', other.secretKey)).products.map((p) => p.sku)).toEqual(['KETTLE-9']);
  });

  it('rejects bad paging with a message', async () => {
    const res = await admin('/v1/admin/products?limit=0');
    expect(res.status).toBe(400);
    expect((await readJson(res)).error.message).toMatch(/limit must be at least 1/);
  });

  it('PUT creates (201) then replaces (200); a different sku in the body is refused', async () => {
    const put = (sku: string, body: unknown) => admin(`/v1/admin/products/${encodeURIComponent(sku)}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const created = await put('MUG 2/blue', { name: 'Blue mug', price: '7', currency: 'GBP' });
    expect(created.status).toBe(201);
    expect((await readJson(created)).product).toMatchObject({ sku: 'MUG 2/blue', price: '7.00' });
    const replaced = await put('MUG 2/blue', { name: 'Blue mug v2' });
    expect(replaced.status).toBe(200);
    expect((await readJson(replaced)).product).toMatchObject({ name: 'Blue mug v2', price: null });
    const renamed = await put('MUG 2/blue', { sku: 'OTHER', name: 'x' });
    expect(renamed.status).toBe(400);
  });

  it('DELETE removes a product of this tenant only', async () => {
    expect((await admin('/v1/admin/products/KETTLE-9', { method: 'DELETE' })).status).toBe(404);
    expect((await admin('/v1/admin/products/KETTLE-9', { method: 'DELETE', secret: other.secretKey })).status).toBe(204);
    expect((await admin('/v1/admin/products/KETTLE-1', { method: 'DELETE' })).status).toBe(204);
    expect((await admin('/v1/admin/products/KETTLE-1')).status).toBe(404);
  });

  it('needs the secret key', async () => {
    expect((await app.request('/v1/admin/products')).status).toBe(401);
    expect((await app.request('/v1/admin/products', { headers: { authorization: `Bearer ${app.publishableKey}` } })).status).toBe(401);
  });
});
