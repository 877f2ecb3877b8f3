import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_LIMITS,
  SOLUTION_ROUTES,
  STAFF_CSRF_HEADER,
  STAFF_KNOWLEDGE_LIMITS,
  STAFF_KNOWLEDGE_ROUTES as R,
  documentDetailResponseSchema,
  documentListResponseSchema,
  documentSummarySchema,
  errorBodySchema,
  jobDetailResponseSchema,
  staffDocumentDiffResponseSchema,
  staffKnowledgeSearchResponseSchema,
  type DocumentSummaryInfo,
  type JobDetailResponse,
} from '@prex/protocol';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { VERSION_TEXTS_KEPT } from '../../src/knowledge/repository.js';
import { makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's Knowledge page through the staff API: every staff member reads the documents,
 * their versions and diffs and runs the test search; owners and admins upload, retag and delete.
 * Every route serves the signed-in staff member's own workspace only.
 */

let a: TestApp;
let owner: StaffBrowser;
let agent: StaffBrowser;
let other: TestTenant;
let otherOwner: StaffBrowser;

beforeAll(async () => {
  a = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000' } });
  owner = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@kb.example', 'owner');
  agent = await signedInStaff(a.url, a.db, a.tenant.id, 'agent@kb.example', 'agent');
  other = await makeTenant(a.db, 'Other');
  otherOwner = await signedInStaff(a.url, a.db, other.tenant.id, 'owner@other.example', 'owner');
});

afterAll(async () => {
  await a?.close();
});

const at = (template: string, params: Record<string, string>) => template.replace(/:([A-Za-z]+)/g, (_m, k: string) => encodeURIComponent(params[k]!));

/** A multipart upload as the console sends it: the session cookie, the CSRF token, field "files". */
function upload(browser: StaffBrowser, files: Array<[name: string, content: string | Uint8Array, type?: string]>): Promise<Response> {
  const form = new FormData();
  for (const [name, content, type] of files) form.append('files', new Blob([content], type ? { type } : {}), name);
  return fetch(`${a.url}${R.documents}`, { method: 'POST', headers: { cookie: `prex_staff=${browser.cookie}`, [STAFF_CSRF_HEADER]: browser.csrfToken! }, body: form });
}

async function finished(browser: StaffBrowser, res: Response): Promise<JobDetailResponse> {
  expect(res.status).toBe(202);
  const { jobId } = jobDetailResponseSchema.parse(await readJson(res));
  return eventually(async () => {
    const job = jobDetailResponseSchema.parse(await readJson(await browser.call('GET', at(R.job, { jobId }))));
    return job.status === 'done' && job;
  });
}

async function documents(browser: StaffBrowser): Promise<DocumentSummaryInfo[]> {
  return documentListResponseSchema.parse(await readJson(await browser.call('GET', R.documents))).documents;
}

async function expectError(res: Response, status: number, message: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  expect(errorBodySchema.parse(await readJson(res)).error.message).toMatch(message);
}

const REFUNDS_V1 = '# Refunds\n\nWe refund any order within 30 days.\n\nRefunds go back to the card you paid with.\n\nQuestions? Write to us.';
const REFUNDS_V2 = '# Refunds\n\nWe refund any order within 60 days.\n\nRefunds go back to the card you paid with.\n\nGift cards are refunded as store credit.\n\nQuestions? Write to us.';

describe('staff knowledge: upload, versions and diff', () => {
  let refundsId: string;

  it('an owner uploads files; a bad one fails alone with the reason in words', async () => {
    const job = await finished(owner, await upload(owner, [['refunds.md', REFUNDS_V1], ['broken.pdf', 'not a pdf', 'application/pdf']]));
    const byName = Object.fromEntries(job.items.map((i) => [i.externalId, i]));
    expect(byName['refunds.md']).toMatchObject({ status: 'ready', version: 1 });
    expect(byName['broken.pdf']).toMatchObject({ status: 'failed', error: '"broken.pdf" is not a PDF (no %PDF- header)' });
    const listed = await documents(owner);
    expect(listed.map((d) => d.externalId)).toEqual(['refunds.md']);
    expect(listed[0]).toMatchObject({ status: 'ready', version: 1, tags: [] });
    refundsId = listed[0]!.documentId;
  });

  it('refuses an unsupported format (415) and a file over the size limit (413) in words', async () => {
    await expectError(await upload(owner, [['photo.exe', 'MZ binary']]), 415, /"photo\.exe": /);
    expect(STAFF_KNOWLEDGE_LIMITS.maxFileBytes).toBe(ADMIN_LIMITS.maxFileBytes);
    await expectError(await upload(owner, [['huge.md', new Uint8Array(ADMIN_LIMITS.maxFileBytes + 1).fill(97)]]), 413, /larger than 20971520 bytes/);
    await expectError(await upload(owner, []), 400, /No file in the upload/);
  });

  it('uploading the same name again makes a new version; the diff shows what changed, line by line', async () => {
    const job = await finished(owner, await upload(owner, [['refunds.md', REFUNDS_V2]]));
    expect(job.items[0]).toMatchObject({ status: 'ready', version: 2 });
    const detail = documentDetailResponseSchema.parse(await readJson(await agent.call('GET', at(R.document, { documentId: refundsId }))));
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);

    const diff = staffDocumentDiffResponseSchema.parse(await readJson(await agent.call('GET', at(R.diff, { documentId: refundsId }))));
    expect(diff).toMatchObject({ documentId: refundsId, from: 1, to: 2, added: 3, removed: 1, truncated: false });
    expect(diff.changes.filter((c) => c.op === 'add' || c.op === 'del')).toEqual([
      { op: 'del', text: 'We refund any order within 30 days.' },
      { op: 'add', text: 'We refund any order within 60 days.' },
      { op: 'add', text: '' },
      { op: 'add', text: 'Gift cards are refunded as store credit.' },
    ]);
    const explicit = staffDocumentDiffResponseSchema.parse(await readJson(await agent.call('GET', `${at(R.diff, { documentId: refundsId })}?from=1&to=2`)));
    expect(explicit.changes).toEqual(diff.changes);
  });

  it('explains a diff it cannot make (4xx, never 500)', async () => {
    const diff = at(R.diff, { documentId: refundsId });
    await expectError(await agent.call('GET', `${diff}?from=2&to=1`), 400, /from must be an earlier version than to/);
    await expectError(await agent.call('GET', `${diff}?from=abc`), 400, /from must be a version number/);
    await expectError(await agent.call('GET', `${diff}?to=99999999999`), 400, /to is larger than any version/);
    await expectError(await agent.call('GET', `${diff}?from=1.5`), 400, /from must be a whole version number/);
    await expectError(await agent.call('GET', `${diff}?from=1&to=9`), 404, /no version 9 \(its versions are 1 to 2\)/);
    await a.db.query('update document_versions set content = null where tenant_id = $1 and document_id = $2 and version = 1', [a.tenant.id, refundsId]);
    await expectError(await agent.call('GET', diff), 409, /The text of version 1 is not kept \(only the newest 10 versions keep theirs\)/);
  });

  it('keeps the text of the newest versions only: older ones keep their metadata, and say why they have no diff', async () => {
    for (let v = 1; v <= VERSION_TEXTS_KEPT + 2; v += 1) {
      await upsertDocument(a.db, a.tenant.id, { externalId: 'nightly.md', title: 'Nightly', content: `# Nightly\n\nBuild ${v}.` });
    }
    const nightly = (await documents(owner)).find((d) => d.externalId === 'nightly.md')!;
    const kept = await a.db.query<{ version: number }>('select version from document_versions where tenant_id = $1 and document_id = $2 and content is not null order by version', [a.tenant.id, nightly.documentId]);
    expect(kept.map((r) => r.version)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const newest = staffDocumentDiffResponseSchema.parse(await readJson(await agent.call('GET', at(R.diff, { documentId: nightly.documentId }))));
    expect(newest.changes).toContainEqual({ op: 'add', text: 'Build 12.' });
    await expectError(await agent.call('GET', `${at(R.diff, { documentId: nightly.documentId })}?from=2&to=3`), 409, /text of version 2 is not kept/);
    expect((await owner.call('DELETE', at(R.document, { documentId: nightly.documentId }))).status).toBe(204);
  });

  it('the test search ranks passages with scores and the words that matched, as written', async () => {
    const res = await agent.call('GET', `${R.search}?q=${encodeURIComponent('refunded gift card')}`);
    const { passages } = staffKnowledgeSearchResponseSchema.parse(await readJson(res));
    expect(passages.length).toBeGreaterThan(0);
    const top = passages[0]!;
    expect(top).toMatchObject({ documentId: refundsId, externalId: 'refunds.md' });
    expect(top.score).toBeGreaterThan(0);
    // Stems match ("refunded" finds "refund", "refunds"), and the words are given as the text writes them.
    expect(top.matchedWords).toEqual(expect.arrayContaining(['refund', 'refunds', 'refunded', 'gift', 'card', 'cards']));
    expect(top.matchedWords).not.toContain('polici');
    await expectError(await agent.call('GET', `${R.search}?q=${'x'.repeat(1001)}`), 400, /q is longer than 1000 characters/);
    await expectError(await agent.call('GET', `${R.search}?q=refund&limit=50`), 400, /limit/);
  });

  it('an owner retags a document; bad tags are refused in words', async () => {
    const res = await owner.call('PATCH', at(R.document, { documentId: refundsId }), { tags: ['billing', 'faq'] });
    expect(res.status).toBe(200);
    expect(documentSummarySchema.parse(await readJson(res)).tags).toEqual(['billing', 'faq']);
    await expectError(await owner.call('PATCH', at(R.document, { documentId: refundsId }), { tags: 'billing' }), 400, /tags/);
    await expectError(await owner.call('PATCH', at(R.document, { documentId: 'doc_missing' }), { tags: [] }), 404, /No document doc_missing in this workspace/);
  });
});

describe('staff knowledge: roles', () => {
  it('an agent reads and searches but may not upload, retag or delete', async () => {
    const [doc] = await documents(agent);
    const documentId = doc!.documentId;
    await expectError(await upload(agent, [['agent.md', '# Agent\n\nhello']]), 403, /owner or admin/);
    await expectError(await agent.call('PATCH', at(R.document, { documentId }), { tags: [] }), 403, /owner or admin/);
    await expectError(await agent.call('DELETE', at(R.document, { documentId })), 403, /owner or admin/);
    expect((await documents(owner)).map((d) => d.externalId)).toEqual(['refunds.md']);
  });

  it('signed out nothing is answered; without the CSRF token nothing changes', async () => {
    expect((await fetch(`${a.url}${R.documents}`)).status).toBe(401);
    const [doc] = await documents(owner);
    expect((await owner.call('DELETE', at(R.document, { documentId: doc!.documentId }), undefined, { csrf: null })).status).toBe(403);
    expect(await documents(owner)).toHaveLength(1);
  });

  it('solutions are not listed as documents and cannot be changed here', async () => {
    const created = await owner.call('POST', SOLUTION_ROUTES.solutions, { question: 'Do you ship on Sundays?', answer: 'No, couriers rest on Sundays.' });
    expect(created.status).toBe(201);
    const { rows } = { rows: await a.db.query<{ id: string }>("select id from documents where tenant_id = $1 and external_id like 'solution:%'", [a.tenant.id]) };
    expect((await documents(owner)).map((d) => d.externalId)).toEqual(['refunds.md']);
    await expectError(await owner.call('DELETE', at(R.document, { documentId: rows[0]!.id })), 409, /solution: change or delete it on the Solutions page/);
  });
});

describe('staff knowledge: tenant isolation', () => {
  it("staff of another workspace cannot list, read, diff, retag, delete or search this workspace's documents", async () => {
    const [doc] = await documents(owner);
    const documentId = doc!.documentId;
    expect(await documents(otherOwner)).toEqual([]);
    await expectError(await otherOwner.call('GET', at(R.document, { documentId })), 404, /No document/);
    await expectError(await otherOwner.call('GET', at(R.diff, { documentId })), 404, /No document/);
    await expectError(await otherOwner.call('PATCH', at(R.document, { documentId }), { tags: ['stolen'] }), 404, /No document/);
    await expectError(await otherOwner.call('DELETE', at(R.document, { documentId })), 404, /No document/);
    const search = staffKnowledgeSearchResponseSchema.parse(await readJson(await otherOwner.call('GET', `${R.search}?q=refund`)));
    expect(search.passages).toEqual([]);
    const jobs = (await readJson<{ jobs: unknown[] }>(await otherOwner.call('GET', R.jobs))).jobs;
    expect(jobs).toEqual([]);
    const [ownJob] = (await readJson<{ jobs: Array<{ jobId: string }> }>(await owner.call('GET', R.jobs))).jobs;
    await expectError(await otherOwner.call('GET', at(R.job, { jobId: ownJob!.jobId })), 404, /No job/);
    expect((await documents(owner))[0]).toMatchObject({ documentId, tags: ['billing', 'faq'] });
  });

  it('an owner deletes a document: it leaves the list and the search', async () => {
    const [doc] = await documents(owner);
    expect((await owner.call('DELETE', at(R.document, { documentId: doc!.documentId }))).status).toBe(204);
    expect(await documents(owner)).toEqual([]);
    const search = staffKnowledgeSearchResponseSchema.parse(await readJson(await owner.call('GET', `${R.search}?q=refund`)));
    expect(search.passages.filter((p) => p.externalId === 'refunds.md')).toEqual([]);
  });
});
