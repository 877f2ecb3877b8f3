/**
 * One instance against three on one Postgres server, both behind the same loopback round-robin
 * balancer (startTcpProxy from @prex/testing; every request on a new connection, so with three
 * targets consecutive requests land on different instances):
 * - staff reply posted → visible in the visitor's conversation stream (the stream stays open on the
 *   first instance; with three, two replies in three are posted to another instance: LISTEN/NOTIFY);
 * - answer latency, POST /v1/chat → first text-delta and → [DONE] (extractive answerer, no pacing).
 * The two configurations are measured interleaved, sample by sample, so background load falls on
 * both alike. Last, the staff reply again (three instances) while IDLE_STREAMS other visitors' streams
 * are open on the first instance: what holding many streams costs (memory, the periodic log reads).
 * All instances share this one Node process (and its event loop): this measures what
 * spreading requests over instances costs, not what more processes gain. Prints; asserts nothing.
 *
 *   pnpm --filter @prex/bench bench:instances [-- --samples 200 --streams 1000]
 */
import os from 'node:os';
import { startPostgres, startTcpProxy } from '@prex/testing';
import { createSession, runTurn, type Target } from './client.js';
import { openConversationStream } from './conversation-stream.js';
import { postgresBenchEnv } from './prex.js';
import { percentile, round } from './stats.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const SAMPLES = arg('samples', 200);
/** Idle visitor streams held open on one instance for the last measurement. */
const IDLE_STREAMS = arg('streams', 1000);
const INSTANCES = 3;
/** A new session every so many turns, so history stays short (as in `bench`). */
const SESSION_EVERY = 20;
const QUESTIONS = ['How do I request a refund?', 'How do I reset my password?', 'How do I export my notes?', 'How does sync work?'];
const FRESH_CONNECTION = { connection: 'close' };

const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: round(percentile(sorted, 0.5), 2), p95: round(percentile(sorted, 0.95), 2) };
};

/** One balancer configuration: its proxy, a visitor with an open stream, and the samples taken. */
async function configuration(name: string, ports: number[], streamUrl: string, publishableKey: string, secretKey: string) {
  const proxy = await startTcpProxy(ports.map((port) => ({ port })));
  const target: Target = { baseUrl: proxy.url, publishableKey, headers: FRESH_CONNECTION };
  const session = (await (await fetch(`${streamUrl}/v1/sessions`, { method: 'POST', headers: { 'x-prex-key': publishableKey } })).json()) as { sessionId: string; token: string };
  const stream = await openConversationStream(streamUrl, { 'x-prex-key': publishableKey, authorization: `Bearer ${session.token}` });
  const reply = { ms: [] as number[], across: 0 };
  const first: number[] = [];
  const done: number[] = [];
  let token = '';
  let failures = 0;

  return {
    name,
    reply,
    first,
    done,
    get failures() {
      return failures;
    },
    async staffReply(i: number) {
      const text = `${name} ${i}`;
      const arrived = stream.arrival(text);
      const sent = performance.now();
      const res = await fetch(`${proxy.url}/v1/admin/conversations/${session.sessionId}/replies`, {
        method: 'POST',
        headers: { ...FRESH_CONNECTION, authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text, staffName: 'Sam' }),
      });
      if (res.status !== 201) throw new Error(`reply → ${res.status}`);
      reply.ms.push((await arrived) - sent);
      // The stream is open on target 0: any other target means the reply crossed instances.
      if (proxy.routed().at(-1) !== 0) reply.across++;
    },
    async turn(i: number) {
      if (i % SESSION_EVERY === 0) token = await createSession(target);
      try {
        const result = await runTurn(target, token, QUESTIONS[i % QUESTIONS.length]!);
        first.push(result.firstDeltaMs);
        done.push(result.doneMs);
      } catch {
        failures++;
      }
    },
    close: async () => {
      stream.close();
      await proxy.close();
    },
  };
}

/** `count` visitors, each with a session and its conversation stream open; returns their closers. */
async function openIdleStreams(url: string, publishableKey: string, count: number): Promise<Array<() => void>> {
  const closers: Array<() => void> = [];
  const BATCH = 50;
  for (let at = 0; at < count; at += BATCH) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(BATCH, count - at) }, async () => {
        const res = await fetch(`${url}/v1/sessions`, { method: 'POST', headers: { 'x-prex-key': publishableKey } });
        const { token } = (await res.json()) as { token: string };
        return openConversationStream(url, { 'x-prex-key': publishableKey, authorization: `Bearer ${token}` });
      }),
    );
    closers.push(...opened.map((stream) => stream.close));
  }
  return closers;
}

async function main(): Promise<void> {
  const [{ startServer }, { loadConfig }] = await Promise.all([import('@prex/backend/server'), import('@prex/backend/config')]);
  const pg = await startPostgres({ database: 'bench' });
  const env = postgresBenchEnv(pg.url);
  // One after the other: the first applies the migrations and seeds the demo tenant.
  const instances = [await startServer({ config: loadConfig({ ...env, PREX_SEED_DEMO: 'true' }) })];
  for (let i = 1; i < INSTANCES; i++) instances.push(await startServer({ config: loadConfig({ ...env, PREX_SEED_DEMO: 'false' }) }));
  const [a] = instances;
  const secretKey = a!.demo?.secretKey;
  const publishableKey = a!.demo?.tenant.publishableKey;
  const configs: Awaited<ReturnType<typeof configuration>>[] = [];
  try {
    if (!secretKey || !publishableKey) throw new Error('the demo tenant was not created on this run');
    const ports = instances.map((instance) => instance.port);
    configs.push(await configuration('one', ports.slice(0, 1), a!.url, publishableKey, secretKey));
    configs.push(await configuration('three', ports, a!.url, publishableKey, secretKey));
    // Warm-up (JIT, pools, prepared statements), not measured.
    for (const config of configs) for (let i = 0; i < 10; i++) await config.turn(i);
    for (const config of configs) config.first.length = config.done.length = 0;

    for (let i = 0; i < SAMPLES; i++) {
      // Order alternates so neither configuration always goes first.
      for (const config of i % 2 ? [...configs].reverse() : configs) {
        await config.staffReply(i);
        await config.turn(i);
      }
    }

    const [one, three] = configs as [(typeof configs)[0], (typeof configs)[0]];
    const row = (label: string, x: { median: number; p95: number }) => `  ${label.padEnd(50)} median ${String(x.median).padStart(7)}  p95 ${String(x.p95).padStart(7)}`;
    const ratio = (x: number, y: number) => `${round(x / y, 2)}×`;
    const [r1, r3, f1, f3, d1, d3] = [stats(one.reply.ms), stats(three.reply.ms), stats(one.first), stats(three.first), stats(one.done), stats(three.done)];
    console.log(`one instance vs three behind a round-robin balancer, one Postgres 15 server; ${SAMPLES} samples each, interleaved; ${os.cpus().length} cpus, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('staff reply posted → visible in the visitor\'s event stream, ms:');
    console.log(row('one instance', r1));
    console.log(row(`three instances (${three.reply.across} of ${SAMPLES} posted to another)`, r3));
    console.log('answer latency (extractive, no pacing), ms:');
    console.log(row('first text-delta, one instance', f1));
    console.log(row('first text-delta, three instances', f3));
    console.log(row('[DONE], one instance', d1));
    console.log(row('[DONE], three instances', d3));
    console.log(`  ratio three ÷ one (median): reply ${ratio(r3.median, r1.median)}, first text-delta ${ratio(f3.median, f1.median)}, [DONE] ${ratio(d3.median, d1.median)}`);
    console.log(`  failed turns: one ${one.failures}, three ${three.failures}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    // Replies alone (no answers between them) as the baseline, then again with many visitors'
    // streams open and idle on the first instance.
    three.reply.ms.length = 0;
    for (let i = 0; i < SAMPLES; i++) await three.staffReply(SAMPLES + i);
    const quiet = stats(three.reply.ms);
    const rssBefore = process.memoryUsage().rss;
    const idle = await openIdleStreams(a!.url, publishableKey, IDLE_STREAMS);
    const rssPerStream = (process.memoryUsage().rss - rssBefore) / IDLE_STREAMS / 1024;
    three.reply.ms.length = 0;
    for (let i = 0; i < SAMPLES; i++) await three.staffReply(2 * SAMPLES + i);
    const loaded = stats(three.reply.ms);
    console.log(`staff replies back to back (three instances), ms, then with ${IDLE_STREAMS} other visitors' streams open and idle on one instance:`);
    console.log(row('no idle streams', quiet));
    console.log(row(`${IDLE_STREAMS} idle streams (each reads its log once a minute)`, loaded));
    console.log(`  ratio (median): ${ratio(loaded.median, quiet.median)}; process RSS +${round(rssPerStream, 1)} KiB per stream (server and client sides, one process)`);
    for (const close of idle) close();
  } finally {
    for (const config of configs) await config.close();
    for (const instance of instances.reverse()) await instance.close();
    await pg.stop();
  }
}

await main();
