import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_ROUTES, ROUTES, STAFF_ROUTES, attachmentPath, STAFF_INBOX_ROUTES, type AdminConversationResponse, type AttachmentUploadResponse, type HistoryResponse, type InboxResponse } from '@prex/protocol';
import { startSupabaseStorageServer, type RunningSupabaseStorageServer } from '@prex/testing';
import { removeErasedFiles } from '../../src/attachments/erasures.js';
import { openAttachmentStorage } from '../../src/attachments/open-storage.js';
import { deleteCustomer } from '../../src/customers/data-rights.js';
import { upsertVerifiedCustomer } from '../../src/customers/repository.js';
import { setConversationRetentionDays } from '../../src/retention/setting.js';
import { sweep } from '../../src/retention/sweep.js';
import { ALLOWED_ORIGIN, createSessionOver, readJson, TEST_ATTACHMENTS_DIR, startTestApp, type TestApp } from '../helpers/app.js';
import { inboxPath } from '../helpers/inbox.js';
import { startStaffWorkspaces, type StaffWorkspaces } from '../helpers/staff.js';

/**
 * Files a visitor attaches: checked on the server (declared type and sniffed bytes, the tenant's
 * size limit), stored under random names (local disk, or Supabase Storage through the real client
 * against a loopback Storage API), served only to the visitor's own conversation and the tenant's
 * staff with headers no browser can be tricked by, and removed from storage when the conversation
 * is erased.
 */

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

interface Visitor {
  sessionId: string;
  token: string;
  upload(bytes: Buffer | string, type: string | undefined, name?: string): Promise<Response>;
  get(path: string): Promise<Response>;
}

async function visitor(app: TestApp): Promise<Visitor> {
  const { sessionId, token } = await createSessionOver(app);
  const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, origin: ALLOWED_ORIGIN, ...extra });
  return {
    sessionId,
    token,
    upload: (bytes, type, name = 'photo.png') =>
      app.request(`${ATTACHMENT_ROUTES.upload}?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        key: true,
        headers: headers(type ? { 'content-type': type } : {}),
        body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
      }),
    get: (path) => app.request(path, { key: true, headers: headers() }),
  };
}

async function uploaded(res: Response): Promise<AttachmentUploadResponse['message']> {
  expect(res.status, await res.clone().text()).toBe(201);
  return (await readJson<AttachmentUploadResponse>(res)).message;
}

const staffFilePath = (id: string) => ATTACHMENT_ROUTES.staffFile.replace(':attachmentId', id);

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = await readJson<{ error: { code: string; message: string } }>(res);
  return { status: res.status, ...body.error };
}

describe('attachments on local disk', () => {
  let ws: StaffWorkspaces;
  let app: TestApp;
  beforeAll(async () => {
    ws = await startStaffWorkspaces('attach');
    app = ws.app;
  });
  afterAll(() => app.close());

  it('a visitor attaches an image: it is in their history, in the staff conversation, and on disk under a random name', async () => {
    const v = await visitor(app);
    const message = await uploaded(await v.upload(PNG, 'image/png', 'my photo.png'));
    expect(message.attachments).toEqual([{ id: expect.stringMatching(/^att_/), name: 'my photo.png', contentType: 'image/png', size: PNG.length }]);
    const part = message.attachments[0]!;

    const history = await readJson<HistoryResponse>(await v.get(ROUTES.history));
    expect(history.messages.find((m) => m.id === message.id)?.attachments).toEqual([part]);

    const thread = await readJson<AdminConversationResponse>(await ws.agent.call('GET', inboxPath(STAFF_ROUTES.conversation, { sessionId: v.sessionId })));
    expect(thread.messages.find((m) => m.id === message.id)?.attachments).toEqual([part]);

    // The inbox previews it by its name.
    const inbox = await readJson<InboxResponse>(await ws.agent.call('GET', `${STAFF_INBOX_ROUTES.conversations}?limit=200`));
    expect(inbox.conversations.find((c) => c.sessionId === v.sessionId)?.lastMessage).toMatchObject({ text: '📎 my photo.png', from: 'visitor' });

    const files = readdirSync(join(TEST_ATTACHMENTS_DIR, app.tenant.id));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => /^[A-Za-z0-9_-]{32}$/.test(f))).toBe(true);
  });

  it('serves the image to its visitor and to staff as the sniffed image type, inline, nosniff', async () => {
    const v = await visitor(app);
    const { attachments } = await uploaded(await v.upload(PNG, 'image/png'));
    for (const res of [await v.get(attachmentPath(attachments[0]!.id)), await ws.agent.call('GET', staffFilePath(attachments[0]!.id))]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`);
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    }
  });

  it('a PDF is a download, its name sanitised: no path, no quotes, the exact name in filename* (RFC 5987)', async () => {
    const v = await visitor(app);
    const { attachments } = await uploaded(await v.upload(PDF, 'application/pdf', '../../Reçu "mars".pdf'));
    expect(attachments[0]!.name).toBe('Reçu _mars_.pdf');
    const res = await ws.owner.call('GET', staffFilePath(attachments[0]!.id));
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Re_u _mars_.pdf"; filename*=UTF-8''Re%C3%A7u%20_mars_.pdf`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a text file is served as text/plain, never as HTML, and downloaded', async () => {
    const v = await visitor(app);
    const { attachments } = await uploaded(await v.upload('<html><script>alert(1)</script></html>', 'text/plain', 'notes.txt'));
    const res = await v.get(attachmentPath(attachments[0]!.id));
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; /);
  });

  it('refuses what is wrong, saying what: empty 400, a type not taken 415, bytes that are not the declared type 415', async () => {
    const v = await visitor(app);
    expect(await errorOf(await v.upload(Buffer.alloc(0), 'image/png'))).toMatchObject({ status: 400, message: expect.stringContaining('empty') });
    expect(await errorOf(await v.upload(PNG, 'application/zip', 'a.zip'))).toMatchObject({
      status: 415,
      message: expect.stringContaining('application/zip are not taken here'),
    });
    expect(await errorOf(await v.upload('<html></html>', 'image/png'))).toMatchObject({
      status: 415,
      message: 'The file was sent as a PNG image, but it is a plain text file: send the file as what it is',
    });
    expect(await errorOf(await v.upload(PNG, undefined))).toMatchObject({ status: 415 });
    expect(await errorOf(await v.upload(PNG, 'image/png', ''))).toMatchObject({ status: 400, message: expect.stringContaining('name') });
  });

  it("the tenant's settings set the size limit (413 naming it) and the types; owners and admins change them, agents cannot", async () => {
    const v = await visitor(app);
    expect((await ws.agent.call('PUT', ATTACHMENT_ROUTES.staffSettings, { enabled: true, maxBytes: 2048, contentTypes: ['image/png'] })).status).toBe(403);
    const bad = await ws.admin.call('PUT', ATTACHMENT_ROUTES.staffSettings, { enabled: true, maxBytes: 10, contentTypes: ['image/png'] });
    expect(await errorOf(bad)).toMatchObject({ status: 400, message: expect.stringContaining('maxBytes') });
    const put = await ws.admin.call('PUT', ATTACHMENT_ROUTES.staffSettings, { enabled: true, maxBytes: 2048, contentTypes: ['image/png'] });
    expect(put.status).toBe(200);
    expect(await readJson(await ws.owner.call('GET', ATTACHMENT_ROUTES.staffSettings))).toEqual({ enabled: true, maxBytes: 2048, contentTypes: ['image/png'] });

    const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
    expect(await errorOf(await v.upload(big, 'image/png'))).toMatchObject({ status: 413, message: expect.stringContaining('2 KB') });
    expect(await errorOf(await v.upload(PDF, 'application/pdf', 'a.pdf'))).toMatchObject({ status: 415, message: expect.stringContaining('takes PNG image') });
    // The other tenant's settings are its own.
    expect(await readJson(await ws.otherOwner.call('GET', ATTACHMENT_ROUTES.staffSettings))).toMatchObject({ maxBytes: 10 * 1024 * 1024 });

    await ws.owner.call('PUT', ATTACHMENT_ROUTES.staffSettings, { enabled: false, maxBytes: 2048, contentTypes: ['image/png'] });
    expect(await errorOf(await v.upload(PNG, 'image/png'))).toMatchObject({ status: 403, message: expect.stringContaining('does not take attachments') });
    await ws.owner.call('PUT', ATTACHMENT_ROUTES.staffSettings, { enabled: true, maxBytes: 10 * 1024 * 1024, contentTypes: ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'] });
  });

  it('another session gets 404 for a file of this conversation, and so does staff of another tenant', async () => {
    const v = await visitor(app);
    const { attachments } = await uploaded(await v.upload(PNG, 'image/png'));
    const id = attachments[0]!.id;
    const stranger = await visitor(app);
    expect((await stranger.get(attachmentPath(id))).status).toBe(404);
    expect((await ws.otherOwner.call('GET', staffFilePath(id))).status).toBe(404);
    // Without a session token the visitor route is 401, without a staff session the staff route too.
    expect((await app.request(attachmentPath(id), { key: true })).status).toBe(401);
    expect((await fetch(`${app.url}${staffFilePath(id)}`)).status).toBe(401);
    expect((await stranger.get(attachmentPath('att_nonsense'))).status).toBe(404);
    expect((await stranger.get(attachmentPath('not-an-id'))).status).toBe(400);
  });

  it("erasing the customer and the retention sweep remove the files from disk", async () => {
    const v = await visitor(app);
    const { attachments } = await uploaded(await v.upload(PNG, 'image/png'));
    const customer = await upsertVerifiedCustomer(app.db, app.tenant.id, 'erase-me@shop.example', new Date());
    await app.db.query('update sessions set customer_id = $3 where tenant_id = $1 and id = $2', [app.tenant.id, v.sessionId, customer.id]);
    const storage = openAttachmentStorage(app.config);
    const filesBefore = readdirSync(join(TEST_ATTACHMENTS_DIR, app.tenant.id)).length;
    expect(await deleteCustomer(app.db, app.tenant.id, customer.id)).toBe(true);
    expect(await removeErasedFiles({ db: app.db, storage })).toBe(1);
    expect(readdirSync(join(TEST_ATTACHMENTS_DIR, app.tenant.id)).length).toBe(filesBefore - 1);
    expect((await ws.owner.call('GET', staffFilePath(attachments[0]!.id))).status).toBe(404);

    const old = await visitor(app);
    await uploaded(await old.upload(PNG, 'image/png'));
    await setConversationRetentionDays(app.db, app.tenant.id, 30);
    await app.db.query(`update sessions set last_seen_at = now() - interval '40 days' where tenant_id = $1 and id = $2`, [app.tenant.id, old.sessionId]);
    await app.db.query(`update messages set created_at = now() - interval '40 days' where tenant_id = $1 and session_id = $2`, [app.tenant.id, old.sessionId]);
    expect(await sweep(app.db)).toBeGreaterThanOrEqual(1);
    await setConversationRetentionDays(app.db, app.tenant.id, null);
    expect(await removeErasedFiles({ db: app.db, storage })).toBeGreaterThanOrEqual(1);
    expect(readdirSync(join(TEST_ATTACHMENTS_DIR, app.tenant.id)).length).toBeLessThan(filesBefore);
    expect(await removeErasedFiles({ db: app.db, storage })).toBe(0);
  });
});

describe('attachments in Supabase Storage (the real client against a loopback Storage API)', () => {
  let supabase: RunningSupabaseStorageServer;
  let ws: StaffWorkspaces;
  beforeAll(async () => {
    supabase = await startSupabaseStorageServer({ buckets: ['prex-files'] });
    const app = await startTestApp({
      env: {
        PREX_RATE_LIMIT_PER_MINUTE: '100000',
        PREX_SUPABASE_URL: supabase.url,
        PREX_SUPABASE_SERVICE_ROLE_KEY: supabase.serviceRoleKey,
        PREX_ATTACHMENTS_BUCKET: 'prex-files',
      },
    });
    ws = await startStaffWorkspaces('attach-sb', app);
  });
  afterAll(async () => {
    await ws.app.close();
    await supabase.close();
  });

  it('stores the bytes in the bucket under a random key, serves them, and removes them on erasure', async () => {
    const app = ws.app;
    const v = await visitor(app);
    const { attachments } = await uploaded(await v.upload(PDF, 'application/pdf', 'invoice.pdf'));
    const bucket = supabase.buckets.get('prex-files')!;
    const [key] = [...bucket.keys()];
    expect(key).toMatch(new RegExp(`^${app.tenant.id}/[A-Za-z0-9_-]{32}$`));
    expect(bucket.get(key!)).toMatchObject({ contentType: 'application/pdf' });
    expect(supabase.requests.every((r) => r.apikey === supabase.serviceRoleKey)).toBe(true);

    const res = await ws.agent.call('GET', staffFilePath(attachments[0]!.id));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);

    await app.db.query('delete from sessions where tenant_id = $1 and id = $2', [app.tenant.id, v.sessionId]);
    expect(await removeErasedFiles({ db: app.db, storage: openAttachmentStorage(app.config) })).toBe(1);
    expect(bucket.size).toBe(0);
  });

  it('a file gone from the bucket is a 404 for staff, not a 500', async () => {
    const v = await visitor(ws.app);
    const { attachments } = await uploaded(await v.upload(PNG, 'image/png'));
    supabase.buckets.get('prex-files')!.clear();
    expect((await ws.owner.call('GET', staffFilePath(attachments[0]!.id))).status).toBe(404);
  });
});
