import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { openPglite } from '../../src/db/pglite.js';
import { openPostgres } from '../../src/db/postgres.js';
import { claimOutbound } from '../../src/sms/repository.js';
import { findLiveSession } from '../../src/staff/sessions.js';
import { generateSecretKey, hashSecretKey } from '../../src/tenants/keys.js';
import { verifySecretKey } from '../../src/tenants/repository.js';
import { createPostgresDatabase, silentLog, type Engine } from '../helpers/db.js';

/**
 * migrations/025 (tenant_id in every key) and 026 (the tenant directory) on a database that already
 * holds rows in every table they change, as a deployed Prex has: the rows and the links between them
 * survive, the new keys hold, and the stores still find what they found.
 */

const FIRST_NEW = '025_tenant_keys';

/** Tables whose keys change, and the ones around them, counted before and after. */
const TABLES = [
  'tenants', 'secret_keys', 'documents', 'document_versions', 'chunks', 'customers', 'sessions', 'messages', 'agents',
  'products', 'escalations', 'llm_calls', 'email_codes', 'email_events', 'auth_events', 'ingestion_jobs',
  'ingestion_job_items', 'staff_accounts', 'staff_sessions', 'staff_invites', 'staff_password_resets', 'sms_settings',
  'sms_conversations', 'sms_messages', 'conversation_states', 'search_terms',
];

interface Seeded {
  secretKey: string;
  staffTokenHash: string;
}

/** One tenant's rows in every affected table, written with the 024 schema (as the stores wrote them). */
async function seedTenant(db: Db, t: 'a' | 'b', phone: string): Promise<Seeded> {
  const { keyId, secretKey } = generateSecretKey();
  const staffTokenHash = hashSecretKey(`staff-token-${t}`);
  const id = (prefix: string) => `${prefix}_${t}`;
  await db.query(`insert into tenants (id, name, publishable_key) values ($1, $2, $3)`, [id('ten'), `Tenant ${t}`, `pk_${t}`]);
  const ten = id('ten');
  const statements: Array<[string, unknown[]]> = [
    ['insert into secret_keys (id, tenant_id, key_hash) values ($1, $2, $3)', [keyId, ten, hashSecretKey(secretKey)]],
    ["insert into documents (id, tenant_id, external_id, title, content, checksum) values ($1, $2, 'faq', 'FAQ', 'Refunds take five days.', 'c1')", [id('doc'), ten]],
    ["insert into document_versions (tenant_id, document_id, version, checksum, title, format, byte_size, chunk_count) values ($1, $2, 1, 'c1', 'FAQ', 'markdown', 23, 1)", [ten, id('doc')]],
    ["insert into chunks (id, tenant_id, document_id, ordinal, title, content) values ($1, $2, $3, 0, 'FAQ', 'Refunds take five days.')", [id('chk'), ten, id('doc')]],
    ['insert into customers (id, tenant_id, email) values ($1, $2, $3)', [id('cus'), ten, `visitor@${t}.example`]],
    ['insert into sessions (id, tenant_id, customer_id) values ($1, $2, $3)', [id('ses'), ten, id('cus')]],
    ["insert into messages (id, tenant_id, session_id, role, text, status) values ($1, $2, $3, 'user', 'refund?', 'complete')", [id('msg'), ten, id('ses')]],
    ["insert into agents (id, tenant_id, name, is_default) values ($1, $2, 'support', true)", [id('agt'), ten]],
    ["insert into products (id, tenant_id, sku, name) values ($1, $2, 'SKU-1', 'Kettle')", [id('prd'), ten]],
    ["insert into escalations (id, tenant_id, session_id, message_id, reason, source) values ($1, $2, $3, $4, 'asked', 'visitor')", [id('esc'), ten, id('ses'), id('msg')]],
    ["insert into llm_calls (id, tenant_id, session_id, purpose, model, latency_ms, outcome) values ($1, $2, $3, 'answer', 'm', 5, 'ok')", [id('llm'), ten, id('ses')]],
    ["insert into email_codes (id, tenant_id, email, purpose, code_hash, session_id, expires_at) values ($1, $2, $3, 'verify', 'h', $4, now() + interval '10 minutes')", [id('otp'), ten, `visitor@${t}.example`, id('ses')]],
    ["insert into email_events (id, tenant_id, session_id, kind, recipient, status) values ($1, $2, $3, 'otp', 'visitor@example.com', 'sent')", [id('eml'), ten, id('ses')]],
    ["insert into auth_events (tenant_id, kind) values ($1, 'otp_sent')", [ten]],
    ["insert into ingestion_jobs (id, tenant_id, origin) values ($1, $2, 'api')", [id('job'), ten]],
    ["insert into ingestion_job_items (id, tenant_id, job_id, ordinal, external_id, byte_size) values ($1, $2, $3, 0, 'faq', 23)", [id('itm'), ten, id('job')]],
    ["insert into staff_accounts (id, tenant_id, email, role, password_hash) values ($1, $2, 'owner@example.com', 'owner', 'scrypt$x')", [id('stf'), ten]],
    ["insert into staff_sessions (id, token_hash, staff_id, tenant_id, expires_at) values ($1, $2, $3, $4, now() + interval '1 day')", [id('sts'), staffTokenHash, id('stf'), ten]],
    ["insert into staff_invites (id, tenant_id, email, role, token_hash, invited_by, expires_at) values ($1, $2, 'new@example.com', 'agent', $3, $4, now() + interval '1 day')", [id('inv'), ten, `invite-${t}`, id('stf')]],
    ["insert into staff_password_resets (id, tenant_id, account_id, token_hash, expires_at) values ($1, $2, $3, $4, now() + interval '1 hour')", [id('rst'), ten, id('stf'), `reset-${t}`]],
    ["insert into sms_settings (tenant_id, account_sid, auth_token, phone_number) values ($1, 'AC1', 'token', $2)", [ten, phone]],
    ["insert into sms_conversations (tenant_id, phone, session_id) values ($1, '+15557770000', $2)", [ten, id('ses')]],
    ["insert into sms_messages (id, tenant_id, session_id, direction, message_id, status) values ($1, $2, $3, 'outbound', $4, 'sent')", [id('sms'), ten, id('ses'), id('msg')]],
    ["insert into conversation_states (tenant_id, session_id, status, assignee_id) values ($1, $2, 'open', $3)", [ten, id('ses'), id('stf')]],
  ];
  for (const [sql, params] of statements) await db.query(sql, params);
  return { secretKey, staffTokenHash };
}

async function counts(db: Db, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
  return out;
}

async function constraintDef(db: Db, name: string): Promise<string | undefined> {
  const rows = await db.query<{ def: string }>('select pg_get_constraintdef(oid) as def from pg_constraint where conname = $1', [name]);
  return rows[0]?.def;
}

async function hasVector(db: Db): Promise<boolean> {
  return (await db.query(`select 1 from pg_available_extensions where name = 'vector'`)).length > 0;
}

describe.each<Engine>(['pglite', 'postgres'])('migrations 025 and 026 on a populated %s database', (engine) => {
  let db: Db;
  let drop: (() => Promise<void>) | undefined;
  let seeded: Record<'a' | 'b', Seeded>;
  let before: Record<string, number>;
  let applied: string[];
  let embeddings = false;

  beforeAll(async () => {
    if (engine === 'pglite') {
      db = await openPglite(':memory:');
    } else {
      const database = await createPostgresDatabase();
      drop = database.drop;
      db = openPostgres(database.url, silentLog);
    }
    const all = await loadMigrations();
    await migrate(db, silentLog, all.filter((m) => m.version < FIRST_NEW));
    seeded = { a: await seedTenant(db, 'a', '+15550000001'), b: await seedTenant(db, 'b', '+15550000002') };
    // A refusal no tenant was named for (a secret key nobody owns).
    await db.query("insert into auth_events (tenant_id, kind) values (null, 'secret_key_invalid')");
    // The vector channel's table, as knowledge/search/vector.ts created it before 025, where pgvector is there.
    embeddings = await hasVector(db);
    if (embeddings) {
      await db.exec(`create extension if not exists vector;
        create table chunk_embeddings (
          chunk_id text primary key references chunks (id) on delete cascade,
          tenant_id text not null, model text not null, embedding vector(3) not null);
        create index chunk_embeddings_tenant_idx on chunk_embeddings (tenant_id);
        insert into chunk_embeddings values ('chk_a', 'ten_a', 'm', '[1,0,0]'), ('chk_b', 'ten_b', 'm', '[0,1,0]');`);
    }
    before = await counts(db, TABLES);
    applied = await migrate(db, silentLog, all);
  });
  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  it('applies 025 and 026 and keeps every row', async () => {
    expect(applied.slice(0, 2)).toEqual([FIRST_NEW, '026_tenant_directory']);
    expect(await counts(db, TABLES)).toEqual(before);
    expect(before.messages).toBe(2);
    expect(before.auth_events).toBe(3);
  });

  it('keys the tables by tenant: primary keys, per-parent keys and foreign keys', async () => {
    expect(await constraintDef(db, 'messages_pkey')).toBe('PRIMARY KEY (tenant_id, id)');
    expect(await constraintDef(db, 'staff_accounts_pkey')).toBe('PRIMARY KEY (tenant_id, id)');
    expect(await constraintDef(db, 'document_versions_pkey')).toBe('PRIMARY KEY (tenant_id, document_id, version)');
    expect(await constraintDef(db, 'chunks_tenant_id_document_id_ordinal_key')).toBe('UNIQUE (tenant_id, document_id, ordinal)');
    expect(await constraintDef(db, 'sms_messages_session_id_tenant_id_fkey')).toMatch(/^FOREIGN KEY \(session_id, tenant_id\) REFERENCES sessions\(id, tenant_id\)/);
    expect(await constraintDef(db, 'staff_sessions_staff_id_tenant_id_fkey')).toMatch(/^FOREIGN KEY \(staff_id, tenant_id\) REFERENCES staff_accounts\(id, tenant_id\)/);
    if (embeddings) {
      expect(await constraintDef(db, 'chunk_embeddings_pkey')).toBe('PRIMARY KEY (tenant_id, chunk_id)');
      expect(await db.query("select 1 from pg_indexes where indexname = 'chunk_embeddings_tenant_idx'")).toEqual([]);
    }
  });

  it('lists what was looked up before the tenant is known in the directory, each under its tenant', async () => {
    const rows = await db.query<{ kind: string; tenant_id: string }>('select kind, tenant_id from tenant_directory order by tenant_id, kind');
    const kinds = ['secret_key', 'secret_key_id', 'sms_number', 'staff_invite', 'staff_password_reset', 'staff_session'];
    expect(rows).toEqual([...kinds.map((kind) => ({ kind, tenant_id: 'ten_a' })), ...kinds.map((kind) => ({ kind, tenant_id: 'ten_b' }))]);
  });

  it('the stores still find a secret key, a staff session and a claimed SMS by the new keys', async () => {
    const check = await verifySecretKey(db, seeded.a.secretKey);
    expect(check.ok && check.tenant.id).toBe('ten_a');
    expect(await findLiveSession(db, seeded.b.staffTokenHash)).toMatchObject({ tenantId: 'ten_b', accountId: 'stf_b' });
    // msg_a went out before the migration: claiming it again finds that row (ON CONFLICT on the new key).
    expect(await claimOutbound(db, { tenantId: 'ten_a', sessionId: 'ses_a', messageId: 'msg_a' })).toBeUndefined();
    await db.query("insert into messages (id, tenant_id, session_id, role, text, status) values ('msg_a2', 'ten_a', 'ses_a', 'assistant', 'Five days.', 'complete')");
    expect(await claimOutbound(db, { tenantId: 'ten_a', sessionId: 'ses_a', messageId: 'msg_a2' })).toEqual(expect.any(String));
    expect(await claimOutbound(db, { tenantId: 'ten_a', sessionId: 'ses_a', messageId: 'msg_a2' })).toBeUndefined();
  });

  it('still refuses a number or a token another tenant holds, and a row naming another tenant’s parent', async () => {
    await expect(db.query("update sms_settings set phone_number = '+15550000001' where tenant_id = 'ten_b'")).rejects.toMatchObject({ code: '23505' });
    await expect(
      db.query("insert into staff_sessions (id, token_hash, staff_id, tenant_id, expires_at) values ('sts_b2', $1, 'stf_b', 'ten_b', now() + interval '1 day')", [seeded.a.staffTokenHash]),
    ).rejects.toMatchObject({ code: '23505' });
    await expect(
      db.query("insert into staff_sessions (id, token_hash, staff_id, tenant_id, expires_at) values ('sts_x', 'fresh', 'stf_a', 'ten_b', now() + interval '1 day')"),
    ).rejects.toMatchObject({ code: '23503' });
    await expect(db.query("insert into sms_messages (id, tenant_id, session_id, direction, status) values ('sms_x', 'ten_b', 'ses_a', 'inbound', 'received')")).rejects.toMatchObject({
      code: '23503',
    });
    // A number given up is free for another tenant.
    await db.query("update sms_settings set phone_number = '+15550000009' where tenant_id = 'ten_a'");
    await db.query("update sms_settings set phone_number = '+15550000001' where tenant_id = 'ten_b'");
    expect(await db.query("select tenant_id from tenant_directory where kind = 'sms_number' and key = '+15550000001'")).toEqual([{ tenant_id: 'ten_b' }]);
  });

  it('deletes follow the composite keys: a session, a staff account, a chunk, a whole tenant', async () => {
    await db.query("delete from sessions where tenant_id = 'ten_a' and id = 'ses_a'");
    const left = await counts(db, ['messages', 'sms_conversations', 'sms_messages', 'escalations', 'conversation_states']);
    expect(left).toEqual({ messages: 1, sms_conversations: 1, sms_messages: 1, escalations: 1, conversation_states: 1 });

    await db.query("delete from staff_accounts where tenant_id = 'ten_a' and id = 'stf_a'");
    expect(await db.query("select id from staff_sessions where tenant_id = 'ten_a'")).toEqual([]);
    expect(await db.query("select id from staff_password_resets where tenant_id = 'ten_a'")).toEqual([]);
    // The invite stays, forgetting who sent it (set null on the sender column only, not on tenant_id).
    expect(await db.query("select tenant_id, invited_by from staff_invites where tenant_id = 'ten_a'")).toEqual([{ tenant_id: 'ten_a', invited_by: null }]);
    expect(await db.query("select kind from tenant_directory where tenant_id = 'ten_a' order by kind")).toEqual(
      ['secret_key', 'secret_key_id', 'sms_number', 'staff_invite'].map((kind) => ({ kind })),
    );

    if (embeddings) {
      await db.query("delete from chunks where tenant_id = 'ten_a' and id = 'chk_a'");
      expect(await db.query('select tenant_id, chunk_id from chunk_embeddings')).toEqual([{ tenant_id: 'ten_b', chunk_id: 'chk_b' }]);
    }

    await db.query("delete from tenants where id = 'ten_b'");
    expect(await db.query("select 1 from tenant_directory where tenant_id = 'ten_b'")).toEqual([]);
    expect(await db.query("select 1 from sessions where tenant_id = 'ten_b'")).toEqual([]);
  });
});
