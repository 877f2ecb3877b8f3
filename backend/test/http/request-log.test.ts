import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, resumePath } from '@prex/protocol';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { createLogger } from '../../src/logger.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { KB_DOCUMENTS } from '../helpers/chat.js';
import { openWidget, type Widget } from '../helpers/customers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let app: TestApp;
let widget: Widget;
const lines: string[] = [];

beforeAll(async () => {
  // A slow typing pace keeps the answer stream open long enough to be left half-way.
  const env = { PREX_RATE_LIMIT_PER_MINUTE: '100000', PREX_EXTRACTIVE_DELAY_MS: '300' };
  app = await startTestApp({ log: createLogger('debug', (line) => lines.push(line)), env });
  for (const doc of KB_DOCUMENTS) await upsertDocument(app.db, app.tenant.id, doc);
  widget = await openWidget(app);
});
afterAll(() => app?.close());

/** The log lines that carry this request id. */
const linesOf = (requestId: string) => lines.filter((l) => l.includes(` requestId=${requestId}\n`) || l.includes(` requestId=${requestId} `));

/** The access line of a request, once its response has closed (the line is written on 'close'). */
async function accessLine(requestId: string): Promise<string> {
  await expect.poll(() => linesOf(requestId).filter((l) => / request method=/.test(l)).length, { timeout: 15_000 }).toBe(1);
  return linesOf(requestId).find((l) => / request method=/.test(l))!;
}

describe('request ids', () => {
  it('keeps a well-formed x-request-id from the caller and echoes it back', async () => {
    const res = await fetch(`${app.url}${ROUTES.health}`, { headers: { 'x-request-id': 'lb-7f3a.42:edge_1' } });
    expect(res.headers.get('x-request-id')).toBe('lb-7f3a.42:edge_1');
  });

  it('gives a request without one a new UUID, in the response and in its log lines', async () => {
    const res = await fetch(`${app.url}${ROUTES.health}`);
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(UUID);
    expect(await accessLine(id)).toMatch(/^\[prex\] debug request method=GET route=\/healthz status=200 ms=\d+ requestId=/);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['a space, which would forge a log field', 'abc requestId=other'],
    ['an equals sign', 'x=y'],
  ])('replaces an id with %s by a new UUID rather than refusing the request', async (_what, offered) => {
    const res = await fetch(`${app.url}${ROUTES.health}`, { headers: { 'x-request-id': offered } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
    expect(lines.join('')).not.toContain(offered);
  });
});

describe('every log line of a request names it', () => {
  it('a line a feature writes after the JSON body was read carries the request id, and so does the access line', async () => {
    const res = await fetch(`${app.url}${ROUTES.emailCodeStart}`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-email-1', 'x-prex-key': app.publishableKey, origin: 'https://shop.example', authorization: `Bearer ${widget.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'jane.doe@example.com', purpose: 'verify' }),
    });
    expect(res.status).toBe(202);
    expect(await accessLine('req-email-1')).toMatch(/^\[prex\] info request method=POST route=\/v1\/identity\/email\/start status=202 ms=\d+ requestId=req-email-1\n$/);
    const featureLines = linesOf('req-email-1').filter((l) => !/ request method=/.test(l));
    expect(featureLines.some((l) => l.includes('email written to the outbox'))).toBe(true);
    // The logger's redaction still holds: no address, no code, in any line of the request.
    expect(linesOf('req-email-1').join('')).not.toContain('jane.doe@example.com');
  });

  it('requests served at once keep their own ids', async () => {
    const ids = ['par-1', 'par-2', 'par-3', 'par-4'];
    const responses = await Promise.all(ids.map((id) => fetch(`${app.url}${ROUTES.ready}`, { headers: { 'x-request-id': id } })));
    expect(responses.map((r) => r.headers.get('x-request-id'))).toEqual(ids);
    for (const id of ids) expect(await accessLine(id)).toMatch(/route=\/readyz status=200/);
  });
});

describe('the access line', () => {
  it('names the route pattern, not the URL with its ids', async () => {
    const messageId = 'msg_0123456789abcdefghij';
    const res = await widget.call('GET', `${resumePath(messageId)}?after=3`);
    expect(res.status).toBe(404);
    const id = res.headers.get('x-request-id')!;
    expect(await accessLine(id)).toMatch(/ request method=GET route=\/v1\/chat\/:messageId\/stream status=404 ms=\d+ /);
    expect(lines.join('')).not.toContain(messageId);
    expect(lines.join('')).not.toContain('after=3');
  });

  it('masks id-like segments of a path no route knows, and keeps file names', async () => {
    const unknown = await fetch(`${app.url}/v1/nothing/0123456789abcdef/here`);
    expect(unknown.status).toBe(404);
    expect(await accessLine(unknown.headers.get('x-request-id')!)).toMatch(/ route=\/v1\/nothing\/:id\/here status=404 /);
    const asset = await fetch(`${app.url}/widget/chunks/pane-3f9a1c0d.js`);
    expect(await accessLine(asset.headers.get('x-request-id')!)).toMatch(/ route=\/widget\/chunks\/pane-3f9a1c0d\.js status=404 /);
  });

  it('an answer stream the visitor leaves half-way is logged as aborted', async () => {
    const controller = new AbortController();
    const res = await fetch(`${app.url}${ROUTES.chat}`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'x-request-id': 'req-left', 'x-prex-key': app.publishableKey, origin: 'https://shop.example', authorization: `Bearer ${widget.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'How do I reset my password?' }),
    });
    expect(res.status).toBe(200);
    controller.abort();
    expect(await accessLine('req-left')).toMatch(/ route=\/v1\/chat status=200 ms=\d+ aborted=true requestId=req-left\n$/);
  });
});
