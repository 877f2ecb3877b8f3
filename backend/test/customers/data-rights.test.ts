import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAICompatibleServer, type OpenAICompatibleServer } from '@prex/testing';
import { customerExportSchema, ROUTES } from '@prex/protocol';
import { hashIdentifier } from '../../src/privacy/hash.js';
import type { Db } from '../../src/db/db.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { openEngine, type Engine } from '../helpers/db.js';
import { readJson } from '../helpers/app.js';
import { adminCall, chat, openWidget, requestCode, startCustomersApp, verifyEmail, type Widget } from '../helpers/customers.js';

type Started = Awaited<ReturnType<typeof startCustomersApp>>;

/** Every row of every table holding the tenant's data, as text: what "nothing remains" is checked against. */
async function tenantRowsAsText(db: Db, tenantId: string): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id' order by table_name`,
  );
  const dumps = [];
  for (const { table_name } of tables) {
    const rows = await db.query(`select row_to_json(t)::text as row from ${table_name} t where tenant_id = $1`, [tenantId]);
    dumps.push(`${table_name}: ${rows.map((r) => r.row).join('\n')}`);
  }
  return dumps.join('\n');
}

describe.each<Engine>(['pglite', 'postgres'])('data rights: export and deletion on %s', (engine) => {
  let provider: OpenAICompatibleServer;
  let t: Started;
  let closeDb: () => Promise<void>;
  beforeAll(async () => {
    provider = await startOpenAICompatibleServer({ apiKey: 'test-key', respond: { text: 'Your parcel ships tomorrow.' } });
    const engineDb = await openEngine(engine);
    closeDb = engineDb.close;
    t = await startCustomersApp({ db: engineDb.db, env: { OPENAI_BASE_URL: provider.url, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model', PREX_SUMMARY_INACTIVITY_MINUTES: '0' } });
    // Grounded questions reach the model, so answers leave usage rows behind.
    await upsertDocument(t.app.db, t.app.tenant.id, {
      externalId: 'shipping',
      title: 'Shipping and refunds',
      content: '# Shipping\n\nEvery parcel ships within one business day. A refund arrives in 5 to 10 business days.',
    });
  });
  afterAll(async () => {
    await t.close();
    await closeDb();
    await provider.close();
  });

  /** A customer with two devices, answers from the model, a handoff and an emailed transcript. */
  async function customerWithHistory(email: string, tag: string): Promise<{ laptop: Widget; phone: Widget; customerId: string }> {
    const laptop = await openWidget(t.app);
    await chat(laptop, `When does my parcel ${tag} ship?`);
    const verified = await verifyEmail(laptop, t.smtp, email);
    const handoff = await laptop.call('POST', ROUTES.handoff, { reason: 'Parcel lost' });
    expect([200, 201]).toContain(handoff.status);
    const emailed = await laptop.call('POST', ROUTES.emailConversation, {});
    expect(emailed.status).toBe(202);
    const phone = await openWidget(t.app);
    await verifyEmail(phone, t.smtp, email);
    await chat(phone, 'When does my refund arrive?');
    return { laptop, phone, customerId: verified.customer.id };
  }

  it('exports profile, both devices’ conversations with messages, escalations and emails, behind a fresh export code', async () => {
    const { laptop, phone, customerId } = await customerWithHistory('export-me@example.com', 'alpha-17');
    const refused = await phone.call('POST', ROUTES.customerExport, { code: '000000' });
    expect(refused.status).toBe(400);
    const code = await requestCode(phone, t.smtp, 'export-me@example.com', 'export');
    const res = await phone.call('POST', ROUTES.customerExport, { code });
    expect(res.status).toBe(200);
    const data = customerExportSchema.parse(await readJson(res));
    expect(data.customer).toMatchObject({ id: customerId, email: 'export-me@example.com', emailVerified: true });
    const bySession = new Map(data.conversations.map((c) => [c.sessionId, c]));
    expect(bySession.get(laptop.sessionId)!.messages.map((m) => m.text)).toEqual(['When does my parcel alpha-17 ship?', 'Your parcel ships tomorrow.']);
    expect(bySession.get(laptop.sessionId)!.escalations).toHaveLength(1);
    expect(bySession.get(phone.sessionId)!.messages[0]!.text).toBe('When does my refund arrive?');
    expect(data.emailEvents.map((e) => e.kind).sort()).toEqual(expect.arrayContaining(['otp', 'summary']));
    // The export code is single use.
    expect((await phone.call('POST', ROUTES.customerExport, { code })).status).toBe(400);
    // The tenant can export the same on request.
    const admin = customerExportSchema.parse(await readJson(await adminCall(t.app, 'GET', `/v1/admin/customers/${customerId}/export`)));
    expect(admin.conversations).toHaveLength(2);
  });

  it('deletion leaves nothing of the customer reachable through any API, and keeps anonymized usage rows', async () => {
    const email = 'forget-me@example.com';
    const { laptop, phone, customerId } = await customerWithHistory(email, 'zulu-99');
    const bystander = await openWidget(t.app);
    await chat(bystander, 'I stay');
    await verifyEmail(bystander, t.smtp, 'bystander@example.com');
    const sessions = [laptop.sessionId, phone.sessionId];

    const usageBefore = await t.app.db.query<{ n: number }>('select count(*)::int as n from llm_calls where tenant_id = $1 and session_id = any($2::text[])', [t.app.tenant.id, sessions]);
    expect(usageBefore[0]!.n).toBeGreaterThan(0);
    const usageTotal = await t.app.db.query<{ n: number }>('select count(*)::int as n from llm_calls where tenant_id = $1', [t.app.tenant.id]);
    const answer = (await readJson(await laptop.call('GET', ROUTES.history))).messages.find((m: { role: string }) => m.role === 'assistant');
    expect((await adminCall(t.app, 'PUT', `/v1/admin/messages/${answer.id}/good`, { good: true })).status).toBe(200);
    expect(await (await adminCall(t.app, 'GET', '/v1/admin/exports/fine-tuning')).text()).toContain('zulu-99');

    // A delete code is needed; an export code does not do.
    const exportCode = await requestCode(phone, t.smtp, email, 'export');
    expect((await phone.call('POST', ROUTES.customerDelete, { code: exportCode })).status).toBe(400);
    const code = await requestCode(phone, t.smtp, email, 'delete');
    const res = await phone.call('POST', ROUTES.customerDelete, { code });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ deleted: true });

    // Visitor APIs with the old tokens.
    for (const w of [laptop, phone]) {
      expect((await w.call('GET', ROUTES.history)).status).toBe(401);
      expect((await w.call('GET', ROUTES.customerMe)).status).toBe(401);
      expect((await w.call('GET', ROUTES.customerConversations)).status).toBe(401);
    }
    const summaries = await fetch(`${t.app.url}${ROUTES.conversationSummaries}`, {
      method: 'POST',
      headers: { 'x-prex-key': t.app.publishableKey, 'content-type': 'application/json' },
      body: JSON.stringify({ tokens: [laptop.token, phone.token] }),
    });
    expect(await readJson(summaries)).toEqual({ conversations: [] });

    // Admin APIs.
    expect((await readJson(await adminCall(t.app, 'GET', `/v1/admin/customers?email=${email}`))).customers).toEqual([]);
    expect((await adminCall(t.app, 'GET', `/v1/admin/customers/${customerId}`)).status).toBe(404);
    expect((await adminCall(t.app, 'GET', `/v1/admin/customers/${customerId}/export`)).status).toBe(404);
    for (const id of sessions) expect((await adminCall(t.app, 'GET', `/v1/admin/conversations/${id}`)).status).toBe(404);
    const escalations = await (await adminCall(t.app, 'GET', '/v1/admin/escalations')).text();
    const emails = await (await adminCall(t.app, 'GET', '/v1/admin/email-events?limit=500')).text();
    const fineTuning = await (await adminCall(t.app, 'GET', '/v1/admin/exports/fine-tuning')).text();
    for (const text of [escalations, emails, fineTuning]) {
      expect(text).not.toContain(email);
      expect(text).not.toContain('zulu-99');
      for (const id of sessions) expect(text).not.toContain(id);
    }
    expect(emails).toContain('bystander@example.com');

    // A new verification of the same email starts from nothing.
    const again = await openWidget(t.app);
    const fresh = await verifyEmail(again, t.smtp, email);
    expect(fresh.customer.id).not.toBe(customerId);
    expect(fresh.conversations).toEqual([]);
    expect((await adminCall(t.app, 'DELETE', `/v1/admin/customers/${fresh.customer.id}`)).status).toBe(200);

    // Underneath: no row of the tenant mentions the customer, their sessions or their email hash…
    const rows = await tenantRowsAsText(t.app.db, t.app.tenant.id);
    for (const needle of [email, customerId, ...sessions, hashIdentifier(email), 'zulu-99']) expect(rows).not.toContain(needle);
    expect(rows).toContain('bystander@example.com');
    // …except the usage rows, kept and detached.
    const usageAfter = await t.app.db.query<{ n: number }>('select count(*)::int as n from llm_calls where tenant_id = $1', [t.app.tenant.id]);
    expect(usageAfter[0]!.n).toBe(usageTotal[0]!.n);
    const anonymized = await t.app.db.query<{ n: number }>('select count(*)::int as n from llm_calls where tenant_id = $1 and session_id is null and message_id is null', [t.app.tenant.id]);
    expect(anonymized[0]!.n).toBeGreaterThanOrEqual(usageBefore[0]!.n);

    // The bystander is untouched.
    expect((await readJson(await bystander.call('GET', ROUTES.customerConversations))).conversations).toHaveLength(1);
  });

  it('the tenant deletes a customer on request with the secret key; a second delete is a 404', async () => {
    const { laptop, customerId } = await customerWithHistory('tenant-deletes@example.com', 'kilo-5');
    const res = await adminCall(t.app, 'DELETE', `/v1/admin/customers/${customerId}`);
    expect(res.status).toBe(200);
    expect((await laptop.call('GET', ROUTES.history)).status).toBe(401);
    expect((await adminCall(t.app, 'DELETE', `/v1/admin/customers/${customerId}`)).status).toBe(404);
    expect(await tenantRowsAsText(t.app.db, t.app.tenant.id)).not.toContain('tenant-deletes@example.com');
  });

  it('export and delete need a verified session: anonymous and host-only sessions get 403', async () => {
    const anon = await openWidget(t.app);
    for (const route of [ROUTES.customerExport, ROUTES.customerDelete]) {
      const res = await anon.call('POST', route, { code: '123456' });
      expect(res.status).toBe(403);
      expect((await readJson(res)).error.code).toBe('verification_required');
    }
    expect((await anon.call('POST', ROUTES.customerDelete, { code: 'abc' })).status).toBe(400);
  });
});
