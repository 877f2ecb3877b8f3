import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSearchResponseSchema,
  documentDetailResponseSchema,
  documentListResponseSchema,
  errorBodySchema,
  jobDetailResponseSchema,
  jobListResponseSchema,
  type JobDetailResponse,
} from '@prex/protocol';
import { makeTenant, readJson, startTestApp, type TestApp } from '../helpers/app.js';
import { makeDocx, makePdf } from '../fixtures/documents.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

function admin(path: string, init: RequestInit & { secret?: string } = {}) {
  const { secret = app.secretKey, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (secret) headers.set('Authorization', `Bearer ${secret}`);
  if (typeof rest.body === 'string' && !headers.has('content-type')) headers.set('Content-Type', 'application/json');
  return fetch(`${app.url}/v1/admin${path}`, { ...rest, headers });
}

function form(files: Array<[name: string, bytes: Uint8Array | string, type?: string]>, fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [name, bytes, type] of files) f.append('files', new Blob([bytes], type ? { type } : {}), name);
  return f;
}

async function waitForJob(jobId: string, secret = app.secretKey): Promise<JobDetailResponse> {
  for (let i = 0; i < 200; i++) {
    const job = jobDetailResponseSchema.parse(await readJson(await admin(`/jobs/${jobId}`, { secret })));
    if (job.status === 'done') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function expectError(res: Response, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  const body = errorBodySchema.parse(await readJson(res));
  expect(body.error.message).toMatch(message);
  return body;
}

describe('admin ingestion API', () => {
  let firstJob: string;

  it('multipart upload queues a job (202); each file gets its own status; a bad one fails alone', async () => {
    const res = await admin('/documents', {
      method: 'POST',
      body: form([
        ['guides/returns.md', '# Returns\n\nReturn any item within 30 days.\n\n## Damaged items\n\nSend us a photo and we replace it.'],
        ['warranty.pdf', makePdf([['Every device has a two year warranty.']], 'Warranty'), 'application/pdf'],
        ['handbook.docx', makeDocx([{ heading: 1, text: 'Handbook' }, { heading: 2, text: 'Holidays' }, { text: 'You get 25 days of leave.' }])],
        ['broken.pdf', 'not a pdf'],
        ['faq.csv', 'question,answer\nDo you ship abroad?,"Yes, to 40 countries."\n'],
      ]),
    });
    expect(res.status).toBe(202);
    const queued = jobDetailResponseSchema.parse(await readJson(res));
    expect(res.headers.get('location')).toBe(`/v1/admin/jobs/${queued.jobId}`);
    expect(queued.items.map((i) => i.externalId)).toEqual(['guides/returns.md', 'warranty.pdf', 'handbook.docx', 'broken.pdf', 'faq.csv']);
    expect(queued.counts.total).toBe(5);
    firstJob = queued.jobId;

    const job = await waitForJob(queued.jobId);
    expect(job.counts).toEqual({ total: 5, queued: 0, indexing: 0, ready: 4, failed: 1 });
    const byId = Object.fromEntries(job.items.map((i) => [i.externalId, i]));
    expect(byId['broken.pdf']).toMatchObject({ status: 'failed', error: '"broken.pdf" is not a PDF (no %PDF- header)', attempts: 1 });
    expect(byId['warranty.pdf']).toMatchObject({ status: 'ready', chunks: 1, version: 1, unchanged: false });
    expect(byId['handbook.docx']).toMatchObject({ status: 'ready', chunks: 1 });
  });

  it('lists documents with format, version and status, and searches them', async () => {
    const { documents } = documentListResponseSchema.parse(await readJson(await admin('/documents')));
    expect(documents.map((d) => [d.externalId, d.format, d.version, d.status])).toEqual([
      ['faq.csv', 'faq-csv', 1, 'ready'],
      ['guides/returns.md', 'markdown', 1, 'ready'],
      ['handbook.docx', 'docx', 1, 'ready'],
      ['warranty.pdf', 'pdf', 1, 'ready'],
    ]);
    expect(documents.find((d) => d.externalId === 'warranty.pdf')).toMatchObject({ title: 'Warranty', chunks: 1 });
    const search = await readJson(await admin('/documents/search?q=damaged+item+photo'));
    expect(search.passages[0]).toMatchObject({ title: 'Returns', section: 'Damaged items' });
    const faq = await readJson(await admin('/documents/search?q=ship+abroad'));
    expect(faq.passages[0]).toMatchObject({ section: 'Do you ship abroad?' });
  });

  it('re-uploading replaces (version 2, versions kept); the same bytes again are skipped as unchanged', async () => {
    const body = () => form([['warranty.pdf', makePdf([['Every device has a three year warranty now.']], 'Warranty'), 'application/pdf']], { url: 'https://help.example/warranty' });
    const v2 = await waitForJob(jobDetailResponseSchema.parse(await readJson(await admin('/documents', { method: 'POST', body: body() }))).jobId);
    expect(v2.items[0]).toMatchObject({ status: 'ready', version: 2, unchanged: false });
    const same = await waitForJob(jobDetailResponseSchema.parse(await readJson(await admin('/documents', { method: 'POST', body: body() }))).jobId);
    expect(same.items[0]).toMatchObject({ status: 'ready', version: 2, unchanged: true });

    const detail = documentDetailResponseSchema.parse(await readJson(await admin('/documents/warranty.pdf')));
    expect(detail).toMatchObject({ externalId: 'warranty.pdf', status: 'ready', document: { version: 2, url: 'https://help.example/warranty' } });
    expect(detail.versions.map((v) => [v.version, v.url])).toEqual([
      [2, 'https://help.example/warranty'],
      [1, undefined],
    ]);
    expect(detail.latestUpload).toMatchObject({ unchanged: true });
    // A path-like externalId works when encoded.
    expect((await admin(`/documents/${encodeURIComponent('guides/returns.md')}`)).status).toBe(200);
    expect(documentDetailResponseSchema.parse(await readJson(await admin('/documents/guides/returns.md'))).document?.externalId).toBe('guides/returns.md');
  });

  it('a failed first upload is visible by externalId; a failed re-upload keeps serving the stored version', async () => {
    const detail = documentDetailResponseSchema.parse(await readJson(await admin('/documents/broken.pdf')));
    expect(detail).toMatchObject({ status: 'failed', error: expect.stringContaining('not a PDF'), versions: [] });
    expect(detail.document).toBeUndefined();

    const job = await waitForJob(jobDetailResponseSchema.parse(await readJson(await admin('/documents', { method: 'POST', body: form([['handbook.docx', 'PK-not-really']]) }))).jobId);
    expect(job.items[0]!.status).toBe('failed');
    const handbook = documentDetailResponseSchema.parse(await readJson(await admin('/documents/handbook.docx')));
    expect(handbook).toMatchObject({ status: 'failed', document: { version: 1, chunks: 1 } });
    expect(handbook.error).toMatch(/DOCX/);
  });

  it('one file with externalId/title/url fields', async () => {
    const res = await admin('/documents', { method: 'POST', body: form([['x.txt', 'Opening hours are 9 to 5.']], { externalId: 'hours', title: 'Opening hours', url: 'https://x.example/hours' }) });
    const job = await waitForJob(jobDetailResponseSchema.parse(await readJson(res)).jobId);
    expect(job.items[0]).toMatchObject({ externalId: 'hours', status: 'ready' });
    const { document } = documentDetailResponseSchema.parse(await readJson(await admin('/documents/hours')));
    expect(document).toMatchObject({ title: 'Opening hours', url: 'https://x.example/hours', format: 'text' });
  });

  it('POST /v1/admin/jobs queues JSON text documents', async () => {
    const res = await admin('/jobs', {
      method: 'POST',
      body: JSON.stringify({
        documents: [
          { externalId: 'about', title: 'About', content: '# About\n\nWe are a shop.' },
          { externalId: 'team', content: '<h1>Team</h1><p>Five people.</p><script>x()</script>', format: 'html' },
        ],
      }),
    });
    expect(res.status).toBe(202);
    const job = await waitForJob(jobDetailResponseSchema.parse(await readJson(res)).jobId);
    expect(job.items.map((i) => i.status)).toEqual(['ready', 'ready']);
    const team = documentDetailResponseSchema.parse(await readJson(await admin('/documents/team')));
    expect(team.document).toMatchObject({ format: 'html', title: 'team' });
  });

  it('JSON single document with a format is ingested at once', async () => {
    const res = await admin('/documents', { method: 'POST', body: JSON.stringify({ externalId: 'plain', title: 'Plain', content: '# not a heading\n\nJust text.', format: 'text' }) });
    expect(res.status).toBe(201);
    expect(await readJson(res)).toMatchObject({ externalId: 'plain', version: 1, chunks: 1, unchanged: false });
    const empty = await admin('/documents', { method: 'POST', body: JSON.stringify({ externalId: 'e', title: 'E', content: '<p> </p>', format: 'html' }) });
    await expectError(empty, 400, /no text/);
  });

  it('lists jobs newest first; a job is the tenant’s own', async () => {
    const { jobs } = jobListResponseSchema.parse(await readJson(await admin('/jobs')));
    expect(jobs.length).toBeGreaterThanOrEqual(5);
    expect(jobs.at(-1)!.jobId).toBe(firstJob);
    expect(jobs.every((j) => j.status === 'done' && j.origin === 'api')).toBe(true);
    const other = await makeTenant(app.db, 'Other');
    await expectError(await admin(`/jobs/${firstJob}`, { secret: other.secretKey }), 404, new RegExp(firstJob));
    expect(jobListResponseSchema.parse(await readJson(await admin('/jobs', { secret: other.secretKey }))).jobs).toEqual([]);
    await expectError(await admin('/documents/warranty.pdf', { secret: other.secretKey }), 404, /warranty\.pdf/);
    await expectError(await admin('/jobs/job_nope'), 404, /job_nope/);
  });

  it('needs the secret key on every route', async () => {
    for (const [path, method] of [['/jobs', 'GET'], ['/jobs', 'POST'], ['/documents/x', 'GET'], ['/documents', 'POST']] as const) {
      await expectError(await admin(path, { method, secret: '' }), 401, /Missing Authorization/);
      await expectError(await admin(path, { method, secret: app.publishableKey }), 401, /secret key/);
    }
  });

  it('bad uploads get 4xx answers naming the problem, and queue nothing', async () => {
    const before = jobListResponseSchema.parse(await readJson(await admin('/jobs'))).jobs.length;
    await expectError(await admin('/documents', { method: 'POST', body: form([['setup.exe', 'MZ']]) }), 415, /"setup\.exe": Unsupported file type \.exe/);
    await expectError(await admin('/documents', { method: 'POST', body: form([['a.md', '# A\n\nx'], ['b.bin', 'x']]) }), 415, /b\.bin/);
    await expectError(await admin('/documents', { method: 'POST', body: form([]) }), 400, /No file/);
    await expectError(await admin('/documents', { method: 'POST', body: form([['a.md', '']]) }), 400, /"a\.md" is empty/);
    await expectError(await admin('/documents', { method: 'POST', body: form([['a.md', 'x'], ['b.md', 'y']], { externalId: 'both' }) }), 400, /single file/);
    await expectError(await admin('/documents', { method: 'POST', body: form([['a.md', 'x']], { url: 'ftp://x' }) }), 400, /url must be an http\(s\) URL/);
    await expectError(await admin('/documents', { method: 'POST', body: 'plain words', headers: { 'content-type': 'text/plain' } }), 400, /Expected a JSON body .*got text\/plain.*or files as multipart\/form-data/);
    await expectError(
      await admin('/documents', { method: 'POST', body: '--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.md"\r\n\r\nunterminated', headers: { 'content-type': 'multipart/form-data; boundary=xyz' } }),
      400,
      /Invalid (multipart body|upload)/,
    );
    await expectError(await admin('/jobs', { method: 'POST', body: JSON.stringify({ documents: [] }) }), 400, /documents is empty/);
    await expectError(await admin('/jobs', { method: 'POST', body: JSON.stringify({ documents: [{ externalId: 'a', content: 'x' }, { externalId: 'a', content: 'y' }] }) }), 400, /appears twice/);
    await expectError(await admin('/jobs', { method: 'POST', body: JSON.stringify({ documents: [{ externalId: 'a', content: 'x', format: 'pdf' }] }) }), 400, /format/);
    await expectError(await admin('/jobs', { method: 'POST', body: '{oops' }), 400, /not valid JSON/);
    expect(jobListResponseSchema.parse(await readJson(await admin('/jobs'))).jobs).toHaveLength(before);
  });

  it('a file above the size limit is 413', async () => {
    const big = new Uint8Array(20 * 1024 * 1024 + 1).fill(0x61);
    await expectError(await admin('/documents', { method: 'POST', body: form([['big.txt', big]]) }), 413, /larger than 20971520 bytes/);
  });
});

describe('tags through uploads and jobs (agents’ knowledge filters)', () => {
  let secret: string;
  beforeAll(async () => {
    // A tenant of its own: the tests above count this app's jobs and documents.
    secret = (await makeTenant(app.db, 'Tagged')).secretKey;
    const agent = await admin('/agents', { method: 'POST', secret, body: JSON.stringify({ name: 'sales', knowledgeFilter: { tags: ['pricing'] } }) });
    expect(agent.status).toBe(201);
  });
  const upload = async (files: Parameters<typeof form>[0], fields: Record<string, string> | FormData = {}) => {
    const body = fields instanceof FormData ? fields : form(files, fields);
    if (fields instanceof FormData) for (const [name, bytes, type] of files) body.append('files', new Blob([bytes], type ? { type } : {}), name);
    const res = await admin('/documents', { method: 'POST', secret, body });
    expect(res.status).toBe(202);
    return waitForJob(jobDetailResponseSchema.parse(await readJson(res)).jobId, secret);
  };
  const tagsOf = async (externalId: string) => documentDetailResponseSchema.parse(await readJson(await admin(`/documents/${encodeURIComponent(externalId)}`, { secret }))).document?.tags;
  const searchAs = async (query: string) => adminSearchResponseSchema.parse(await readJson(await admin(`/documents/search?${query}`, { secret }))).passages.map((p) => p.title).sort();

  it('multipart: a comma-separated and a repeated tags field tag every file; the agent’s filter retrieves them', async () => {
    const fields = new FormData();
    fields.append('tags', 'Pricing, plans');
    fields.append('tags', 'eu');
    const job = await upload(
      [
        ['plans.md', '# Plans\n\nThe Pro plan costs 20 euros a month.'],
        ['vat.txt', 'Plan prices include VAT for every plan.'],
      ],
      fields,
    );
    expect(job.items.map((i) => [i.status, i.tags])).toEqual([
      ['ready', ['pricing', 'plans', 'eu']],
      ['ready', ['pricing', 'plans', 'eu']],
    ]);
    expect(await tagsOf('plans.md')).toEqual(['pricing', 'plans', 'eu']);
    expect(await tagsOf('vat.txt')).toEqual(['pricing', 'plans', 'eu']);
    // An untagged document on the same subject: only the unfiltered search finds it.
    await upload([['internal.md', '# Staff plan\n\nStaff get the Pro plan for free.']]);
    expect(await tagsOf('internal.md')).toEqual([]);
    expect(await searchAs('q=plan')).toEqual(['Plans', 'Staff plan', 'vat']);
    expect(await searchAs('q=plan&agent=sales')).toEqual(['Plans', 'vat']);
  });

  it('multipart: a re-upload without tags keeps them, with tags replaces them, with an empty field clears them', async () => {
    const job = await upload([['plans.md', '# Plans\n\nThe Pro plan now costs 25 euros a month.']]);
    expect(job.items[0]).toMatchObject({ status: 'ready', version: 2 });
    expect(job.items[0]!.tags).toBeUndefined();
    expect(await tagsOf('plans.md')).toEqual(['pricing', 'plans', 'eu']);
    // Unchanged content, new tags: retagged without a new version.
    const retag = await upload([['plans.md', '# Plans\n\nThe Pro plan now costs 25 euros a month.']], { tags: 'pricing' });
    expect(retag.items[0]).toMatchObject({ unchanged: true, version: 2, tags: ['pricing'] });
    expect(await tagsOf('plans.md')).toEqual(['pricing']);
    await upload([['vat.txt', 'Plan prices include VAT for every plan.']], { tags: '' });
    expect(await tagsOf('vat.txt')).toEqual([]);
    expect(await searchAs('q=plan&agent=sales')).toEqual(['Plans']);
  });

  it('POST /v1/admin/jobs: each document’s tags land on it; one without tags keeps its own', async () => {
    const res = await admin('/jobs', {
      method: 'POST',
      secret,
      body: JSON.stringify({
        documents: [
          { externalId: 'discounts', title: 'Discounts', content: '# Discounts\n\nAnnual plans get two months free.', tags: ['pricing', 'Promo'] },
          { externalId: 'internal.md', title: 'Staff plan', content: '# Staff plan\n\nStaff get the Pro plan and annual plans for free.' },
        ],
      }),
    });
    expect(res.status).toBe(202);
    const job = await waitForJob(jobDetailResponseSchema.parse(await readJson(res)).jobId, secret);
    expect(job.items.map((i) => [i.externalId, i.status, i.tags])).toEqual([
      ['discounts', 'ready', ['pricing', 'promo']],
      ['internal.md', 'ready', undefined],
    ]);
    expect(await tagsOf('discounts')).toEqual(['pricing', 'promo']);
    expect(await tagsOf('internal.md')).toEqual([]);
    // The pricing-tagged Plans also says "plans"; the staff document never reaches the agent.
    expect(await searchAs('q=annual+plans&agent=sales')).toEqual(['Discounts', 'Plans']);
    expect(await searchAs('q=annual+plans')).toContain('Staff plan');
  });

  it('bad tags are a 400 naming the tag, and nothing is queued', async () => {
    const before = jobListResponseSchema.parse(await readJson(await admin('/jobs', { secret }))).jobs.length;
    const bad = await expectError(await admin('/documents', { method: 'POST', secret, body: form([['a.md', '# A\n\nx']], { tags: 'ok,not ok' }) }), 400, /Invalid upload fields: tags\.1: tag may hold only letters/);
    expect(bad.error.issues?.[0]?.path).toBe('tags.1');
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`).join(',');
    await expectError(await admin('/documents', { method: 'POST', secret, body: form([['a.md', '# A\n\nx']], { tags: many }) }), 400, /tags: at most 20 tags/);
    await expectError(await admin('/documents', { method: 'POST', secret, body: form([['a.md', '# A\n\nx']], { tags: 'x'.repeat(51) }) }), 400, /tag is longer than 50 characters/);
    const job = await admin('/jobs', { method: 'POST', secret, body: JSON.stringify({ documents: [{ externalId: 'a', content: 'x', tags: ['bad tag'] }] }) });
    expect((await expectError(job, 400, /tag may hold only/)).error.issues?.[0]?.path).toBe('documents.0.tags.0');
    expect(jobListResponseSchema.parse(await readJson(await admin('/jobs', { secret }))).jobs).toHaveLength(before);
  });
});

describe('external ids that collide with a fixed route', () => {
  let secret: string;
  beforeAll(async () => {
    secret = (await makeTenant(app.db, 'Reserved')).secretKey;
  });
  const json = (externalId: string) => JSON.stringify({ externalId, title: 'T', content: '# T\n\nText.' });

  it('"search" is refused at every upload path with a 400 that says why', async () => {
    for (const id of ['search', 'Search', ' SEARCH ', 'search/']) {
      const res = await admin('/documents', { method: 'POST', secret, body: json(id) });
      const body = await expectError(res, 400, /externalId ".*" is reserved .*\/v1\/admin\/documents\/search/);
      expect(body.error.issues?.[0]?.path).toBe('externalId');
    }
    await expectError(await admin('/documents', { method: 'POST', secret, body: form([['a.md', '# A\n\nx']], { externalId: 'search' }) }), 400, /externalId: externalId "search" is reserved/);
    await expectError(await admin('/documents', { method: 'POST', secret, body: form([['search', 'plain text', 'text/plain']]) }), 400, /Invalid file name: externalId: externalId "search" is reserved/);
    const job = await admin('/jobs', { method: 'POST', secret, body: JSON.stringify({ documents: [{ externalId: 'search', content: 'x' }] }) });
    expect((await expectError(job, 400, /reserved/)).error.issues?.[0]?.path).toBe('documents.0.externalId');
    expect(documentListResponseSchema.parse(await readJson(await admin('/documents', { secret }))).documents).toEqual([]);
  });

  it('ids near the fixed routes ("jobs", "search.md", "search/x") are fetched by id; the search route still searches', async () => {
    for (const id of ['jobs', 'search.md', 'search/x', 'searches']) {
      expect((await admin('/documents', { method: 'POST', secret, body: json(id) })).status).toBe(201);
      const detail = documentDetailResponseSchema.parse(await readJson(await admin(`/documents/${id}`, { secret })));
      expect(detail.document?.externalId).toBe(id);
    }
    const search = adminSearchResponseSchema.parse(await readJson(await admin('/documents/search?q=text', { secret })));
    expect(search.passages).toHaveLength(4);
    // Why "Search" and "search/" are reserved too: routing ignores case and a trailing slash.
    for (const path of ['/documents/SEARCH?q=text', '/documents/search/?q=text']) {
      expect(adminSearchResponseSchema.parse(await readJson(await admin(path, { secret }))).passages).toHaveLength(4);
    }
  });
});
