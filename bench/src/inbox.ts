/**
 * The staff inbox at scale: how long GET /v1/staff/inbox takes (a page of rows plus the counts per
 * status) when the tenant has many conversations and another tenant as many again, on one
 * Postgres server. The conversations are bulk-loaded in SQL (three messages each: visitor, bot,
 * visitor), a tenth of them open and a tenth resolved. Prints the median and p95 per query;
 * asserts nothing.
 *
 *   pnpm --filter @prex/bench bench:inbox [-- --conversations 20000 --samples 50]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@prex/testing';
import { postgresBenchEnv } from './prex.js';
import { percentile, round } from './stats.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const CONVERSATIONS = arg('conversations', 20_000);
const SAMPLES = arg('samples', 50);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface BenchDb {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** `n` conversations of a tenant, as the chat routes would have stored them, with their inbox state. */
async function load(db: BenchDb, tenantId: string, n: number): Promise<void> {
  const prefix = `ses_${tenantId.slice(4, 12)}_`;
  await db.query(
    `insert into sessions (id, tenant_id, created_at, last_seen_at)
     select $2 || i, $1, now() - make_interval(secs => i * 60), now() - make_interval(secs => i * 60) from generate_series(1, $3::int) i`,
    [tenantId, prefix, n],
  );
  await db.query(
    `insert into messages (id, tenant_id, session_id, role, text, status, author, label, agent_id, created_at)
     select 'msg_' || $2 || i || '_' || k, $1, $2 || i, case when k = 2 then 'assistant' else 'user' end,
            'Message ' || k || ' of conversation ' || i || ', about shipping and refunds', 'complete', 'bot',
            case when k <> 2 then (array['shipping', 'refunds', 'billing', 'other'])[1 + i % 4] end,
            case when k <> 2 then 'agt_default' end,
            now() - make_interval(secs => i * 60 - k)
       from generate_series(1, $3::int) i, generate_series(1, 3) k`,
    [tenantId, prefix, n],
  );
  await db.query(
    `insert into conversation_states (tenant_id, session_id, status, updated_at)
     select $1, $2 || i, case when i % 10 = 0 then 'open' when i % 10 = 1 then 'resolved' else 'pending' end,
            date_trunc('milliseconds', now() - make_interval(secs => i * 60 - 3))
       from generate_series(1, $3::int) i`,
    [tenantId, prefix, n],
  );
  await db.query('analyze');
}

async function main(): Promise<void> {
  const [{ startServer }, { loadConfig }] = await Promise.all([import('@prex/backend/server'), import('@prex/backend/config')]);
  const { createTenant } = (await import(path.join(repoRoot, 'backend/dist/tenants/repository.js'))) as {
    createTenant(db: unknown, input: { name: string; allowedOrigins: string[] }): Promise<{ tenant: { id: string } }>;
  };
  const { createAccountWithPassword } = (await import(path.join(repoRoot, 'backend/dist/staff/team.js'))) as {
    createAccountWithPassword(db: unknown, input: { tenantId: string; email: string; role: 'owner'; password: string }): Promise<{ id: string }>;
  };
  const pg = await startPostgres({ database: 'bench' });
  const config = loadConfig(postgresBenchEnv(pg.url));
  const server = await startServer({ config });
  try {
    const db = server.db as unknown as BenchDb;
    const mine = (await createTenant(db, { name: 'bench', allowedOrigins: [] })).tenant.id;
    const other = (await createTenant(db, { name: 'neighbour', allowedOrigins: [] })).tenant.id;
    const loadStart = performance.now();
    await load(db, mine, CONVERSATIONS);
    await load(db, other, CONVERSATIONS);
    console.log(`loaded 2 tenants x ${CONVERSATIONS} conversations (x3 messages) in ${round((performance.now() - loadStart) / 1000, 1)} s`);

    const password = 'bench-password-0123456789';
    await createAccountWithPassword(db, { tenantId: mine, email: 'owner@bench.example', role: 'owner', password });
    const login = await fetch(`${server.url}/v1/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@bench.example', password }) });
    if (login.status !== 200) throw new Error(`login → ${login.status}`);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('prex_staff='))!.split(';')[0]!;

    const time = async (query: string) => {
      const samples: number[] = [];
      let rows = 0;
      for (let i = 0; i < SAMPLES; i++) {
        const sent = performance.now();
        const res = await fetch(`${server.url}/v1/staff/inbox${query}`, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`GET inbox${query} → ${res.status} ${await res.text()}`);
        rows = ((await res.json()) as { conversations: unknown[] }).conversations.length;
        samples.push(performance.now() - sent);
      }
      const sorted = samples.sort((x, y) => x - y);
      console.log(`  ${query.padEnd(46)} ${String(rows).padStart(3)} rows  median ${round(percentile(sorted, 0.5), 1)}  p95 ${round(percentile(sorted, 0.95), 1)}`);
    };
    const deep = new Date(Date.now() - (CONVERSATIONS / 2) * 60_000).toISOString();
    console.log(`GET /v1/staff/inbox (a page and the counts per status), ${SAMPLES} samples each, ms:`);
    await time('');
    await time('?status=open');
    await time('?status=resolved&limit=200');
    await time('?label=refunds');
    await time('?assignee=unassigned');
    await time(`?before=${encodeURIComponent(deep)}`);
  } finally {
    await server.close();
    await pg.stop();
  }
}

await main();
