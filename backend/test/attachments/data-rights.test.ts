import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_ROUTES, attachmentPath, customerExportSchema, ROUTES, STAFF_ROUTES, type AttachmentUploadResponse } from '@prex/protocol';
import { removeErasedFiles } from '../../src/attachments/erasures.js';
import { openAttachmentStorage } from '../../src/attachments/open-storage.js';
import { makeTenant, readJson, TEST_ATTACHMENTS_DIR } from '../helpers/app.js';
import { adminCall, chat, openWidget, requestCode, startCustomersApp, verifyEmail, type Widget } from '../helpers/customers.js';
import { inboxPath } from '../helpers/inbox.js';
import { signedInStaff } from '../helpers/staff.js';

/**
 * A visitor's files in their data rights, on the real local-disk storage: the export lists them
 * (name, type, size, date) with a path that serves the bytes to that customer on any of their
 * devices and to nobody else; the conversation's summary mail names them; deleting the customer
 * removes the files from disk.
 */

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 7)]);

let t: Awaited<ReturnType<typeof startCustomersApp>>;
beforeAll(async () => {
  t = await startCustomersApp({ env: { PREX_SUMMARY_INACTIVITY_MINUTES: '0' } });
});
afterAll(async () => {
  await t?.close();
});

async function attach(w: Widget, bytes: Buffer, type: string, name: string): Promise<AttachmentUploadResponse['message']> {
  const res = await fetch(`${t.app.url}${ATTACHMENT_ROUTES.upload}?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'x-prex-key': t.app.publishableKey, origin: 'https://shop.example', authorization: `Bearer ${w.token}`, 'content-type': type },
    body: new Uint8Array(bytes),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await readJson<AttachmentUploadResponse>(res)).message;
}

const fetchAs = (w: Widget, path: string) => w.call('GET', path);

async function storageKeysOf(sessionIds: string[]): Promise<string[]> {
  const rows = await t.app.db.query<{ storage_key: string }>('select storage_key from attachments where tenant_id = $1 and session_id = any($2::text[])', [t.app.tenant.id, sessionIds]);
  return rows.map((r) => r.storage_key);
}

/** A customer on two devices: files attached on the laptop, a signed staff reply, both devices verified. */
async function customerWithFiles(email: string): Promise<{ laptop: Widget; phone: Widget }> {
  const laptop = await openWidget(t.app);
  await chat(laptop, 'My parcel arrived damaged, photos attached');
  await attach(laptop, PDF, 'application/pdf', 'receipt.pdf');
  await attach(laptop, PNG, 'image/png', 'broken box.png');
  await verifyEmail(laptop, t.smtp, email);
  const phone = await openWidget(t.app);
  await verifyEmail(phone, t.smtp, email);
  return { laptop, phone };
}

describe('attachments in the visitor’s data rights (local disk)', { timeout: 120_000 }, () => {
  it('the export lists each file with name, type, size and date, and its path serves the bytes to the customer on any device, to nobody else', async () => {
    const { laptop, phone } = await customerWithFiles('files-export@example.com');
    const code = await requestCode(phone, t.smtp, 'files-export@example.com', 'export');
    const res = await phone.call('POST', ROUTES.customerExport, { code });
    expect(res.status).toBe(200);
    const data = customerExportSchema.parse(await readJson(res));
    const laptopFiles = data.conversations.find((c) => c.sessionId === laptop.sessionId)!.attachments;
    expect(laptopFiles.map(({ name, contentType, size }) => ({ name, contentType, size }))).toEqual([
      { name: 'receipt.pdf', contentType: 'application/pdf', size: PDF.length },
      { name: 'broken box.png', contentType: 'image/png', size: PNG.length },
    ]);
    expect(data.conversations.find((c) => c.sessionId === phone.sessionId)!.attachments).toEqual([]);
    for (const file of laptopFiles) expect(Date.parse(file.createdAt)).not.toBeNaN();

    // The phone's session (same customer, another conversation) fetches the laptop's file.
    const pdf = await fetchAs(phone, laptopFiles[0]!.path);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).equals(PDF)).toBe(true);
    // An anonymous visitor, another customer, and a visitor of another tenant get 404.
    const stranger = await openWidget(t.app);
    await verifyEmail(stranger, t.smtp, 'someone-else@example.com');
    const other = await makeTenant(t.app.db, 'Elsewhere');
    const foreign = await openWidget({ ...t.app, ...other });
    for (const w of [await openWidget(t.app), stranger, foreign]) {
      const refused = await fetchAs(w, laptopFiles[0]!.path);
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain('%PDF');
    }

    // The tenant's own export (admin API) lists the same files.
    const admin = customerExportSchema.parse(await readJson(await adminCall(t.app, 'GET', `/v1/admin/customers/${data.customer.id}/export`)));
    expect(admin.conversations.flatMap((c) => c.attachments.map((a) => a.name))).toEqual(['receipt.pdf', 'broken box.png']);
  });

  it('the summary mail names the files (and signs the staff reply with the staff member’s name)', async () => {
    const { laptop } = await customerWithFiles('files-mail@example.com');
    const staff = await signedInStaff(t.app.url, t.app.db, t.app.tenant.id, 'kim@files.example', 'agent');
    expect((await staff.call('PATCH', STAFF_ROUTES.me, { name: 'Kim' })).status).toBe(200);
    expect((await staff.call('POST', inboxPath(STAFF_ROUTES.conversationReplies, { sessionId: laptop.sessionId }), { text: 'Thanks, refund on its way.' })).status).toBe(201);

    const before = t.smtp.messages.length;
    const emailed = await laptop.call('POST', ROUTES.emailConversation, {});
    expect(emailed.status).toBe(202);
    const mail = await t.smtp.waitFor((m) => t.smtp.messages.indexOf(m) >= before && m.to.includes('files-mail@example.com'));
    expect(mail.text).toContain('[Attached: receipt.pdf (');
    expect(mail.text).toContain('[Attached: broken box.png (');
    expect(mail.html).toContain('Attached: receipt.pdf');
    expect(mail.text).toMatch(/Kim \(.+ team\): Thanks, refund on its way\./);
    expect(mail.text).not.toContain('kim@files.example');
  });

  it('deleting the customer erases their files from disk; a bystander’s file stays', async () => {
    const { laptop, phone } = await customerWithFiles('files-delete@example.com');
    const bystander = await openWidget(t.app);
    const kept = await attach(bystander, PDF, 'application/pdf', 'mine.pdf');
    const keys = await storageKeysOf([laptop.sessionId, phone.sessionId]);
    const [bystanderKey] = await storageKeysOf([bystander.sessionId]);
    expect(keys).toHaveLength(2);
    for (const key of [...keys, bystanderKey!]) expect(existsSync(join(TEST_ATTACHMENTS_DIR, key))).toBe(true);

    const code = await requestCode(phone, t.smtp, 'files-delete@example.com', 'delete');
    expect((await phone.call('POST', ROUTES.customerDelete, { code })).status).toBe(200);
    // The rows are gone at once; the files leave storage on the erasure worker's next round.
    expect(await storageKeysOf([laptop.sessionId, phone.sessionId])).toEqual([]);
    expect(await removeErasedFiles({ db: t.app.db, storage: openAttachmentStorage(t.app.config) })).toBeGreaterThanOrEqual(2);
    for (const key of keys) expect(existsSync(join(TEST_ATTACHMENTS_DIR, key))).toBe(false);
    expect(readFileSync(join(TEST_ATTACHMENTS_DIR, bystanderKey!)).equals(PDF)).toBe(true);
    expect((await fetchAs(bystander, attachmentPath(kept.attachments[0]!.id))).status).toBe(200);
  });
});
