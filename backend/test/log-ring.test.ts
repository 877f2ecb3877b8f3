import { describe, expect, it } from 'vitest';
import { runWithLogContext } from '../src/log-context.js';
import { LogRing } from '../src/log-ring.js';
import { createLogger } from '../src/logger.js';

/**
 * The Operations page shows a workspace's staff the instance's recent log lines. One instance
 * serves many workspaces: an owner of A sees A's lines and the instance's own, never B's.
 */

function ringLogger(capacity = 50) {
  const ring = new LogRing(capacity);
  const log = createLogger('debug', () => undefined, { ring, prompts: true });
  return { ring, log };
}

describe('the log ring', () => {
  it('shows a tenant its own lines, instance lines without tenant fields, and never another tenant’s', () => {
    const { ring, log } = ringLogger();
    runWithLogContext({ requestId: 'r1', tenantId: 'ten_a' }, () => log.warn('email not sent', { kind: 'summary', error: 'relay said no to a-detail' }));
    runWithLogContext({ requestId: 'r2', tenantId: 'ten_b' }, () => log.error('tool failed', { tool: 'orders', error: 'b-secret-detail' }));
    // A line naming its tenant in its fields (a background job), with no request context.
    log.info('ingestion item will be retried', { tenantId: 'ten_b', item: 'jit_b', error: 'b-file-detail' });
    // An instance line that still carries ids in fields: they are cut.
    log.info('demo knowledge base ready', { tenant: 'ten_b', sessionId: 'ses_b', route: '/v1/chat', status: 200 });

    const seenByA = ring.visibleTo('ten_a', { limit: 100 });
    const text = JSON.stringify(seenByA);
    expect(text).not.toMatch(/ten_b|b-secret-detail|b-file-detail|jit_b|ses_b/);
    expect(seenByA.map((l) => [l.scope, l.message])).toEqual([
      ['instance', 'demo knowledge base ready'],
      ['tenant', 'email not sent'],
    ]);
    expect(seenByA[0]!.fields).toEqual({ route: '/v1/chat', status: '200' });
    expect(seenByA[1]!.fields).toMatchObject({ requestId: 'r1', tenantId: 'ten_a', error: 'relay said no to a-detail' });

    const seenByB = ring.visibleTo('ten_b', { limit: 100 });
    expect(seenByB.map((l) => l.message)).toEqual(['demo knowledge base ready', 'ingestion item will be retried', 'tool failed']);
    expect(JSON.stringify(seenByB)).not.toContain('a-detail');

    // The request id of an instance line is dropped (a caller chooses it), and so is an unmatched path (a visitor's own text).
    log.info('request', { requestId: 'chosen-by-b', method: 'GET', route: '/b-customer-name/page', status: 404 });
    expect(ring.visibleTo('ten_a', { limit: 1 })[0]!.fields).toEqual({ method: 'GET', status: '404' });
  });

  it('keeps conversation content (prompt lines) out, and redacts personal data as the log does', () => {
    const { ring, log } = ringLogger();
    runWithLogContext({ tenantId: 'ten_a' }, () => {
      log.prompt('question', { text: 'my card is 4111 1111 1111 1111' });
      log.warn('email not sent', { error: 'mailbox jane@example.com full' });
    });
    const lines = ring.visibleTo('ten_a', { limit: 10 });
    expect(lines.map((l) => l.message)).toEqual(['email not sent']);
    expect(JSON.stringify(lines)).not.toContain('jane@example.com');
  });

  it('holds at most its capacity, newest first, and filters by level', () => {
    const { ring, log } = ringLogger(5);
    for (let i = 0; i < 12; i++) (i % 3 === 0 ? log.warn : log.info)(`line ${i}`);
    expect(ring.visibleTo('ten_a', { limit: 100 }).map((l) => l.message)).toEqual(['line 11', 'line 10', 'line 9', 'line 8', 'line 7']);
    expect(ring.visibleTo('ten_a', { limit: 100, minLevel: 'warn' }).map((l) => l.message)).toEqual(['line 9']);
    expect(ring.visibleTo('ten_a', { limit: 2 }).map((l) => l.message)).toEqual(['line 11', 'line 10']);
  });
});
