import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS_ROUTES as R, type OperationsHealthResponse, type OperationsOverviewResponse } from '@prex/protocol';
import { closedPort, startOpenAICompatibleServer, startSmtpServer, type OpenAICompatibleServer, type RunningSmtpServer } from '@prex/testing';
import { createDependencyChecks } from '../../src/health/dependencies.js';
import { createJob } from '../../src/knowledge/jobs/repository.js';
import { LogRing } from '../../src/log-ring.js';
import { createLogger } from '../../src/logger.js';
import { makeTenant, readJson, startTestApp, TEST_SESSION_SECRET, testConfig, type TestApp, type TestTenant } from '../helpers/app.js';
import { silentLog } from '../helpers/db.js';
import { signedInStaff, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's Operations page through the staff API: owners and admins see whether the
 * instance's dependencies answer, what it runs with (no secret), its recent log lines about their
 * workspace or the instance itself (never another workspace's), and their ingestion jobs.
 */

const LLM_KEY = 'sk-operations-test-key-0001';
const SMTP_PASSWORD = 'smtp-operations-password-0002';

const markdown = (externalId: string) => ({ externalId, filename: `${externalId}.md`, bytes: new TextEncoder().encode(`# ${externalId}\n\nSome text.`) });

describe('operations: a healthy instance', () => {
  let a: TestApp;
  let ring: LogRing;
  let llm: OpenAICompatibleServer;
  let smtp: RunningSmtpServer;
  let owner: StaffBrowser;
  let admin: StaffBrowser;
  let agent: StaffBrowser;
  let other: TestTenant;
  let otherOwner: StaffBrowser;

  beforeAll(async () => {
    llm = await startOpenAICompatibleServer({ respond: { text: 'unused' }, models: ['gpt-test'] });
    smtp = await startSmtpServer();
    ring = new LogRing();
    a = await startTestApp({
      log: createLogger('info', () => undefined, { ring }),
      logRing: ring,
      env: {
        PREX_RATE_LIMIT_PER_MINUTE: '100000',
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: LLM_KEY,
        OPENAI_MODEL: 'gpt-test',
        PREX_SMTP_URL: smtp.url.replace('smtp://', `smtp://prex:${SMTP_PASSWORD}@`),
      },
    });
    owner = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@ops.example', 'owner');
    admin = await signedInStaff(a.url, a.db, a.tenant.id, 'admin@ops.example', 'admin');
    agent = await signedInStaff(a.url, a.db, a.tenant.id, 'agent@ops.example', 'agent');
    other = await makeTenant(a.db, 'Other');
    otherOwner = await signedInStaff(a.url, a.db, other.tenant.id, 'owner@other-ops.example', 'owner');
  });

  afterAll(async () => {
    await a?.close();
    await llm?.close();
    await smtp?.close();
  });

  it('an agent gets 403 from both routes; signed out gets 401', async () => {
    for (const path of [R.overview, R.health]) {
      const res = await agent.call('GET', path);
      expect(res.status, path).toBe(403);
      expect((await readJson(res)).error.message).toMatch(/owner or admin/);
      expect((await fetch(`${a.url}${path}`)).status).toBe(401);
    }
  });

  it('every dependency is checked and answers ok (or off when not configured)', async () => {
    const res = await admin.call('GET', R.health);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { checks } = await readJson<OperationsHealthResponse>(res);
    expect(checks).toEqual([
      { name: 'database', state: 'ok', reason: expect.stringMatching(/^answers; \d+ migrations applied$/) },
      { name: 'mail', state: 'ok', reason: 'the SMTP relay accepted a connection' },
      { name: 'model', state: 'ok', reason: 'the endpoint answered; gpt-test is listed' },
      { name: 'embeddings', state: 'off', reason: expect.stringContaining('no embeddings model configured') },
    ]);
  });

  it('the configuration holds no secret the instance was started with', async () => {
    const res = await owner.call('GET', R.overview);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of [LLM_KEY, SMTP_PASSWORD, TEST_SESSION_SECRET]) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as OperationsOverviewResponse;
    expect(body.config).toContainEqual({ name: 'llm.apiKey', value: 'set (hidden)', redacted: true });
    expect(body.config).toContainEqual({ name: 'session.secret', value: 'set (hidden)', redacted: true });
    expect(body.config).toContainEqual({ name: 'llm.model', value: 'gpt-test', redacted: false });
    expect(body.runtime).toContainEqual({ name: 'answers', value: 'by the model gpt-test', redacted: false });
    expect(body.logs).toMatchObject({ capturing: true, capacity: 500 });
  });

  it('each workspace sees its own ingestion jobs, and its own log lines, never the other’s', async () => {
    const mine = await createJob(a.db, a.tenant.id, 'api', [markdown('mine')]);
    const theirs = await createJob(a.db, other.tenant.id, 'api', [markdown('theirs')]);
    // A line about the other workspace, as its request or background job would write it.
    createLoggerFor(ring).warn('email not sent', { tenantId: other.tenant.id, kind: 'summary', error: 'other-workspace-detail' });

    const ours = await readJson<OperationsOverviewResponse>(await owner.call('GET', R.overview));
    expect(ours.jobs.map((j) => j.id)).toEqual([mine]);
    expect(ours.jobs[0]!.counts.total).toBe(1);
    const oursText = JSON.stringify(ours);
    expect(oursText).not.toContain(other.tenant.id);
    expect(oursText).not.toContain('other-workspace-detail');
    // Our own requests' lines are there (the access lines of the calls above), as instance lines without ids.
    expect(ours.logs.lines.some((l) => l.scope === 'instance' && l.fields.route === R.overview)).toBe(true);

    const theirsSeen = await readJson<OperationsOverviewResponse>(await otherOwner.call('GET', R.overview));
    expect(theirsSeen.jobs.map((j) => j.id)).toEqual([theirs]);
    expect(theirsSeen.logs.errors.map((l) => [l.scope, l.message, l.fields.error])).toContainEqual(['tenant', 'email not sent', 'other-workspace-detail']);
    expect(JSON.stringify(theirsSeen)).not.toContain(a.tenant.id);
  });
});

describe('operations: dead dependencies', () => {
  let a: TestApp;
  let ring: LogRing;
  let owner: StaffBrowser;
  let other: TestTenant;
  let otherOwner: StaffBrowser;

  beforeAll(async () => {
    ring = new LogRing();
    a = await startTestApp({
      log: createLogger('info', () => undefined, { ring }),
      logRing: ring,
      env: { PREX_RATE_LIMIT_PER_MINUTE: '100000', OPENAI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1`, PREX_SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` },
    });
    owner = await signedInStaff(a.url, a.db, a.tenant.id, 'owner@dead.example', 'owner');
    other = await makeTenant(a.db, 'Other');
    otherOwner = await signedInStaff(a.url, a.db, other.tenant.id, 'owner@other-dead.example', 'owner');
  });

  afterAll(async () => {
    await a?.close();
  });

  it('a refused SMTP relay and model endpoint are reported degraded, with the reason in words', async () => {
    const { checks } = await readJson<OperationsHealthResponse>(await owner.call('GET', R.health));
    expect(checks.find((c) => c.name === 'database')!.state).toBe('ok');
    expect(checks.find((c) => c.name === 'mail')).toEqual({ name: 'mail', state: 'degraded', reason: 'the SMTP relay could not be reached (ECONNREFUSED)' });
    expect(checks.find((c) => c.name === 'model')).toMatchObject({ name: 'model', state: 'degraded', reason: expect.stringMatching(/^the endpoint could not be reached/) });
  });

  it('the failed checks are logged for the workspace that asked, and only shown to it', async () => {
    const ours = await readJson<OperationsOverviewResponse>(await owner.call('GET', R.overview));
    expect(ours.logs.errors.filter((l) => l.scope === 'tenant').map((l) => l.message)).toEqual(
      expect.arrayContaining(['health: SMTP relay check failed', 'health: model endpoint check failed']),
    );
    const theirs = await readJson<OperationsOverviewResponse>(await otherOwner.call('GET', R.overview));
    expect(theirs.logs.errors.filter((l) => l.scope === 'tenant')).toEqual([]);
    expect(JSON.stringify(theirs)).not.toContain(a.tenant.id);
  });
});

describe('dependency checks against endpoints that accept and never answer', () => {
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts every connection and says nothing: an SMTP relay that never greets, a model that never answers.
    silent = createServer((socket) => void sockets.add(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  it('returns degraded for each, bounded by its timeout, instead of hanging', async () => {
    const port = (silent.address() as AddressInfo).port;
    const config = testConfig({
      PREX_SMTP_URL: `smtp://127.0.0.1:${port}`,
      OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
      PREX_EMBEDDINGS_MODEL: 'embed-test',
    });
    const { openMemoryDb } = await import('../helpers/db.js');
    const db = await openMemoryDb();
    try {
      const checks = await createDependencyChecks({ db, log: silentLog, config, timeoutMs: 300 })();
      expect(checks).toEqual([
        { name: 'database', state: 'ok', reason: expect.any(String) },
        { name: 'mail', state: 'degraded', reason: 'the SMTP relay did not answer within 300 ms' },
        { name: 'model', state: 'degraded', reason: 'the endpoint did not answer within 300 ms' },
        { name: 'embeddings', state: 'degraded', reason: 'the endpoint did not answer within 300 ms' },
      ]);
    } finally {
      await db.close();
    }
  });
});

/** A logger writing into the same ring as the app's: a line another part of the instance wrote. */
function createLoggerFor(ring: LogRing) {
  return createLogger('info', () => undefined, { ring });
}
