/**
 * The bus between instances (Postgres LISTEN/NOTIFY): how fast an event published by one instance
 * reaches another, and how many a second one carries. Baseline: the in-memory bus of one process,
 * measured in the same run. Prints medians and ratios; asserts nothing.
 *
 *   pnpm --filter @prex/bench bench:bus [-- --events 2000]
 */
import { startPostgres } from '@prex/testing';
import { summarize, round } from './stats.js';

type Bus = import('@prex/backend/bus').ConversationBus;

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const EVENTS = arg('events', 2000);
const LATENCY_SAMPLES = arg('samples', 300);

const silent = { debug() {}, info() {}, warn() {}, error() {}, prompt() {} } as never;

/** One event at a time, publisher → subscriber: the latency of a single hop, in ms. */
async function latency(publisher: Bus, subscriber: Bus): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const topic = `answer:lat_${i}`;
    const heard = new Promise<number>((resolve) => {
      const stop = subscriber.subscribe(topic, () => {
        stop();
        resolve(performance.now());
      });
    });
    const sent = performance.now();
    await publisher.publish(topic, { kind: 'answer-progress', messageId: `lat_${i}`, seq: i });
    samples.push((await heard) - sent);
  }
  return samples;
}

/** EVENTS published as fast as the publisher goes: events per second until the last one is heard. */
async function throughput(publisher: Bus, subscriber: Bus): Promise<number> {
  let heard = 0;
  const all = new Promise<void>((resolve) => {
    subscriber.subscribe('answer:tput', () => {
      if (++heard === EVENTS) resolve();
    });
  });
  const started = performance.now();
  await Promise.all(Array.from({ length: EVENTS }, (_, i) => publisher.publish('answer:tput', { kind: 'answer-progress', messageId: 'tput', seq: i })));
  await all;
  return EVENTS / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const { createBus, createMemoryBus } = await import('@prex/backend/bus');
  const memory = createMemoryBus();
  const memoryLatency = summarize(await latency(memory, memory));
  // In one process the publisher's bus is the subscriber's.
  const memoryRate = await throughput(memory, memory);

  const server = await startPostgres({ database: 'bench' });
  try {
    const database = { kind: 'postgres' as const, url: server.url };
    const [a, b] = [await createBus(database, silent), await createBus(database, silent)];
    const pgLatency = summarize(await latency(a, b));
    const pgRate = await throughput(a, b);
    await Promise.all([a.close(), b.close()]);

    console.log(`bus hop, one event at a time (${LATENCY_SAMPLES} samples), ms:`);
    console.log(`  in memory (one process):           median ${round(memoryLatency.median)}  p99 ${round(memoryLatency.p99)}`);
    console.log(`  LISTEN/NOTIFY, instance → instance: median ${round(pgLatency.median)}  p99 ${round(pgLatency.p99)}  (${round(pgLatency.median / memoryLatency.median, 1)}× in memory)`);
    console.log(`bus throughput, ${EVENTS} events published at once, events/s:`);
    console.log(`  in memory: ${Math.round(memoryRate)}`);
    console.log(`  LISTEN/NOTIFY through one Postgres 15 server: ${Math.round(pgRate)}  (${round(pgRate / memoryRate, 3)}× in memory)`);
  } finally {
    await server.stop();
  }
}

await main();
