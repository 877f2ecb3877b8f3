import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, openApiPath } from '../../src/openapi/document.js';
import { OPENAPI_PATH } from '../../src/openapi/operations.js';
import { backendVersion } from '../../src/openapi/routes.js';
import { readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { registeredRoutes } from '../helpers/routes.js';

const COMMITTED = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));

type Paths = Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;

describe('the OpenAPI document', () => {
  let app: TestApp;
  let served: { openapi: string; paths: Paths };

  beforeAll(async () => {
    app = await startTestApp();
    const res = await app.request(OPENAPI_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    served = await readJson(res);
  });
  afterAll(() => app?.close());

  it('is OpenAPI 3.1 and names every route the app registers, and no other', () => {
    expect(served.openapi).toBe('3.1.0');
    const registered = registeredRoutes(app.app).map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`);
    expect(registered.length).toBeGreaterThan(50);
    const documented = Object.entries(served.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(registered.filter((r) => !documented.includes(r)), 'registered, missing from the document').toEqual([]);
    expect(documented.filter((d) => !registered.includes(d)), 'documented, not registered').toEqual([]);
  });

  it('describes bodies and answers with the protocol’s schemas', () => {
    const chat = served.paths['/v1/chat']!.post!;
    expect(JSON.stringify(chat.requestBody)).toContain('"maxLength":4000');
    const job = served.paths['/v1/admin/jobs/{jobId}']!.get!;
    expect(JSON.stringify(job.responses['200'])).toContain('"jobId"');
  });

  it('docs/openapi.json is the document the code generates (run pnpm --filter @prex/backend openapi)', async () => {
    const committed = JSON.parse(await readFile(COMMITTED, 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(backendVersion()))));
    expect(served).toEqual(committed);
  });
});
