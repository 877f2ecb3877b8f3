import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { ConversationStreamEvent, InboxStreamEvent } from '@prex/protocol';
import { conversationTopic, type ConversationBus } from '../../src/bus/index.js';
import { BUS_APPLICATION_NAME, createPostgresBus } from '../../src/bus/postgres.js';
import { appendConversationEvent } from '../../src/conversations/event-log.js';
import { streamConversationEvents } from '../../src/conversations/event-stream.js';
import { streamInboxEvents } from '../../src/inbox/event-stream.js';
import { createSession } from '../../src/conversations/sessions.js';
import type { SseResponse } from '../../src/http/sse.js';
import { makeTenant } from '../helpers/app.js';
import { openEngine, silentLog } from '../helpers/db.js';
import { eventually } from '../helpers/eventually.js';

/**
 * Notifications are lost while a LISTEN connection is down, both ways: the instance heard nothing,
 * and the others never heard what it published. Once back, the bus tells its own subscribers and
 * every other instance to re-read (a resync), so a widget's stream delivers what it missed without
 * polling the database: here the stream's poll is set to an hour, so only the resync can deliver.
 */

const AN_HOUR = 3_600_000;

/** The parts of an SSE response the conversation stream uses, recording what it writes. */
class RecordingSse {
  readonly events: Array<{ event: ConversationStreamEvent | InboxStreamEvent; id: number | undefined }> = [];
  private readonly closeHandlers: Array<() => void> = [];
  closed = false;
  writeEvent(event: ConversationStreamEvent | InboxStreamEvent, id?: number): void {
    this.events.push({ event, id });
  }
  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }
  close(): void {
    this.closed = true;
    for (const handler of this.closeHandlers) handler();
  }
}

describe('the Postgres bus after a dropped connection', { timeout: 60_000 }, () => {
  let engine: Awaited<ReturnType<typeof openEngine>>;
  let observer: pg.Client;
  let busA: ConversationBus;
  let busB: ConversationBus;
  let pidOfB: number;
  let tenantId: string;

  /** Backend pids of the buses' LISTEN connections on this test's database. */
  const busPids = async (): Promise<number[]> => {
    const { rows } = await observer.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1 and datname = current_database()',
      [BUS_APPLICATION_NAME],
    );
    return rows.map((r) => r.pid);
  };
  const dropConnection = (pid: number) => observer.query('select pg_terminate_backend($1)', [pid]);

  beforeAll(async () => {
    engine = await openEngine('postgres');
    observer = new pg.Client({ connectionString: engine.url });
    await observer.connect();
    busA = await createPostgresBus({ url: engine.url! }, silentLog);
    const before = await busPids();
    busB = await createPostgresBus({ url: engine.url! }, silentLog);
    pidOfB = (await busPids()).find((pid) => !before.includes(pid))!;
    tenantId = (await makeTenant(engine.db, 'Shop')).tenant.id;
  });
  afterAll(async () => {
    await busA?.close();
    await busB?.close();
    await observer?.end();
    await engine?.close();
  });

  it('a stream on another instance reads the event whose notification never went out', async () => {
    expect(pidOfB).toBeTypeOf('number');
    const session = await createSession(engine.db, tenantId);
    const scope = { tenantId, sessionId: session.id };
    const sse = new RecordingSse();
    streamConversationEvents({ db: engine.db, bus: busA, pollMs: AN_HOUR }, sse as unknown as SseResponse, scope, 0);
    const inbox = new RecordingSse();
    streamInboxEvents(busA, inbox as unknown as SseResponse, tenantId);
    const resyncsOnA: number[] = [];
    const stopCounting = busA.onResync(() => resyncsOnA.push(Date.now()));
    try {
      // Stored, but its notification is lost: B's connection drops before B could announce it.
      const seq = await appendConversationEvent(engine.db, scope, { kind: 'handoff', status: 'open', escalationId: 'esc_lost' });
      await dropConnection(pidOfB);

      // A never lost its connection: B's resync, once B is back, is what reaches it.
      await eventually(async () => resyncsOnA.length > 0, 30_000);
      await eventually(async () => sse.events.length > 0, 30_000);
      expect(sse.events).toEqual([{ event: { type: 'handoff', status: 'open', escalationId: 'esc_lost' }, id: seq }]);
      // The staff inbox, which keeps no log, is told to read everything again.
      expect(inbox.events).toEqual([{ event: { type: 'resync' }, id: undefined }]);
      // B is listening again under a new connection.
      await eventually(async () => (await busPids()).length === 2, 30_000);
    } finally {
      stopCounting();
      sse.close();
      inbox.close();
    }
  });

  it('the instance whose connection dropped resyncs its own subscribers, and still hears the others after', async () => {
    const session = await createSession(engine.db, tenantId);
    const scope = { tenantId, sessionId: session.id };
    const sse = new RecordingSse();
    streamConversationEvents({ db: engine.db, bus: busB, pollMs: AN_HOUR }, sse as unknown as SseResponse, scope, 0);
    try {
      const [pid] = (await busPids()).filter((p) => p !== pidOfB);
      pidOfB = (await busPids()).find((p) => p !== pid)!;
      // Missed by B while its connection is down (stored without a word on the bus).
      const first = await appendConversationEvent(engine.db, scope, { kind: 'handoff', status: 'open', escalationId: 'esc_1' });
      await dropConnection(pidOfB);
      await eventually(async () => sse.events.length === 1, 30_000);
      expect(sse.events[0]!.id).toBe(first);

      // And the live path works on the new connection: announced through A, heard on B.
      const second = await appendConversationEvent(engine.db, scope, { kind: 'handoff', status: 'resolved', escalationId: 'esc_1' });
      await eventually(async () => (await busPids()).length === 2, 30_000);
      await eventually(async () => {
        await busA.publish(conversationTopic(tenantId, session.id), { kind: 'conversation-event', seq: second });
        return sse.events.length === 2;
      }, 30_000);
      expect(sse.events.map((e) => e.id)).toEqual([first, second]);
    } finally {
      sse.close();
    }
  });
});
