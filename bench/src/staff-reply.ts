/**
 * Staff reply → visible in a widget-like client: the time from a staff member posting a reply
 * (POST /v1/admin/conversations/:id/replies) until the visitor's conversation stream
 * (GET /v1/conversations/current/events, read over fetch with @prex/protocol/client's SSE
 * reader) delivers that message. Two instances on one Postgres server: the reply posted to the
 * instance serving the stream, then to the other (LISTEN/NOTIFY between them). Prints the median
 * and p95; asserts nothing.
 *
 *   pnpm --filter @prex/bench bench:staff-reply [-- --samples 200]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@prex/testing';
import { openConversationStream } from './conversation-stream.js';
import { postgresBenchEnv } from './prex.js';
import { percentile, round } from './stats.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const SAMPLES = arg('samples', 200);
const ORIGIN = 'https://bench.example';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const [{ startServer }, { loadConfig }] = await Promise.all([import('@prex/backend/server'), import('@prex/backend/config')]);
  const { createTenant } = (await import(path.join(repoRoot, 'backend/dist/tenants/repository.js'))) as {
    createTenant(db: unknown, input: { name: string; allowedOrigins: string[] }): Promise<{ tenant: { publishableKey: string }; secretKey: string }>;
  };
  const pg = await startPostgres({ database: 'bench' });
  const config = loadConfig(postgresBenchEnv(pg.url));
  // One after the other: the first applies the migrations.
  const a = await startServer({ config });
  const b = await startServer({ config });
  try {
    const { tenant, secretKey } = await createTenant(a.db, { name: 'bench', allowedOrigins: [ORIGIN] });
    const base = { 'x-prex-key': tenant.publishableKey, origin: ORIGIN };
    const session = (await (await fetch(`${a.url}/v1/sessions`, { method: 'POST', headers: base })).json()) as { sessionId: string; token: string };
    const visitor = { ...base, authorization: `Bearer ${session.token}` };
    const stream = await openConversationStream(a.url, visitor);

    const measure = async (postTo: string, label: string) => {
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const text = `${label} ${i}`;
        const arrived = stream.arrival(text);
        const sent = performance.now();
        const res = await fetch(`${postTo}/v1/admin/conversations/${session.sessionId}/replies`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ text, staffName: 'Sam' }),
        });
        if (res.status !== 201) throw new Error(`reply → ${res.status}`);
        samples.push((await arrived) - sent);
      }
      const sorted = samples.sort((x, y) => x - y);
      return { median: round(percentile(sorted, 0.5)), p95: round(percentile(sorted, 0.95)) };
    };
    const same = await measure(a.url, 'same');
    const across = await measure(b.url, 'across');
    stream.close();
    console.log(`staff reply posted → visible in the visitor's event stream (${SAMPLES} samples each, one Postgres 15 server), ms:`);
    console.log(`  one instance (reply and stream on A):       median ${same.median}  p95 ${same.p95}`);
    console.log(`  across two (reply to B, stream open on A):  median ${across.median}  p95 ${across.p95}`);
    console.log('  (includes the reply request itself: its insert, the event log append and the NOTIFY)');
  } finally {
    await b.close();
    await a.close();
    await pg.stop();
  }
}

await main();
