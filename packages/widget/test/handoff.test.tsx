import { afterEach, describe, expect, it } from 'vitest';
import { msg, until } from './fakes.js';
import { answer, apiError, json, mountPane, PK, sseBody, type Pane } from './harness.js';

let pane: Pane | undefined;
afterEach(() => {
  pane?.handle.destroy();
  pane = undefined;
  document.body.innerHTML = '';
  localStorage.clear();
});

const escalation = (status: string, id = 'esc_1') => ({ id, status, reason: 'no answer', source: 'no_answer', createdAt: '2026-01-01T00:00:00.000Z' });
const STORED = 'ses_old.ten_a.9999999999.mac';

describe('human handoff', () => {
  it('offered: "Talk to a human" under the finished answer opens an escalation, then the team notice shows', async () => {
    const frames = answer('a1', ['I could not find that.'], [{ type: 'data-prex-handoff', data: { status: 'offered' } }]);
    pane = mountPane({
      'POST /v1/chat': () => sseBody(frames),
      'POST /v1/handoff': () => json(201, { escalation: escalation('open') }),
    });
    const { $, ask, bodies, events } = pane;
    pane.handle.open();
    ask('Can I pay in bitcoin?');
    await until(() => !!$('prex-handoff-ask'));
    expect($('prex-handoff-open')).toBeNull();
    $('prex-handoff-ask')!.click();
    await until(() => !!$('prex-handoff-open'));
    expect(bodies('POST', '/v1/handoff')).toEqual([{}]);
    expect($('prex-handoff-ask')).toBeNull();
    expect($('prex-handoff-open')!.getAttribute('role')).toBe('status');
    expect($('prex-handoff-open')!.textContent).toBe('Our team has your conversation and will reply here.');
    expect(events.filter((e) => e.name === 'handoff')).toHaveLength(1);
    // the escalation request carried the visitor's session
    expect(pane.requests.find((r) => r.path === '/v1/handoff')!.headers.authorization).toMatch(/^Bearer ses_/);
  });

  it('an offer belongs to its answer: the next question takes it away', async () => {
    let n = 0;
    pane = mountPane({
      'POST /v1/chat': () =>
        sseBody(n++ === 0 ? answer('a1', ['Nothing found.'], [{ type: 'data-prex-handoff', data: { status: 'offered' } }]) : answer('a2', ['Refunds take 14 days.'])),
    });
    const { $, $$, ask } = pane;
    pane.handle.open();
    ask('Bitcoin?');
    await until(() => !!$('prex-handoff-ask'));
    ask('Refunds?');
    await until(() => $$('prex-message').length === 4 && $$('prex-message')[3]!.dataset.status === 'complete');
    expect($('prex-handoff-ask')).toBeNull();
  });

  it('proposed: "Yes, connect me" confirms with accept true and shows the team notice', async () => {
    const frames = answer('a1', ['Shall I connect you?'], [{ type: 'data-prex-handoff', data: { status: 'proposed', escalationId: 'esc_9', reason: 'refund over limit' } }]);
    pane = mountPane({
      'POST /v1/chat': () => sseBody(frames),
      'POST /v1/handoff/esc_9/confirm': () => json(200, { escalation: { ...escalation('open', 'esc_9'), reason: 'refund over limit' } }),
    });
    const { $, ask, bodies, events } = pane;
    pane.handle.open();
    ask('I want my money back');
    await until(() => !!$('prex-handoff-yes'));
    expect($('prex-handoff-proposed')!.textContent).toContain('Shall I connect you with our team?');
    $('prex-handoff-yes')!.click();
    await until(() => !!$('prex-handoff-open'));
    expect(bodies('POST', '/v1/handoff/esc_9/confirm')).toEqual([{ accept: true }]);
    expect(events.find((e) => e.name === 'handoff')!.payload).toEqual({ reason: 'refund over limit' });
  });

  it('proposed: "No thanks" declines and the question goes away', async () => {
    const frames = answer('a1', ['Shall I connect you?'], [{ type: 'data-prex-handoff', data: { status: 'proposed', escalationId: 'esc_9' } }]);
    pane = mountPane({
      'POST /v1/chat': () => sseBody(frames),
      'POST /v1/handoff/esc_9/confirm': () => json(200, { escalation: escalation('declined', 'esc_9') }),
    });
    const { $, ask, bodies, events } = pane;
    pane.handle.open();
    ask('I want my money back');
    await until(() => !!$('prex-handoff-no'));
    $('prex-handoff-no')!.click();
    await until(() => !$('prex-handoff-proposed'));
    expect(bodies('POST', '/v1/handoff/esc_9/confirm')).toEqual([{ accept: false }]);
    expect($('prex-handoff-open')).toBeNull();
    expect(events.some((e) => e.name === 'handoff')).toBe(false);
  });

  it('a confirmation the server refuses (409: no longer proposed) shows where the escalation stands', async () => {
    const frames = answer('a1', ['Shall I connect you?'], [{ type: 'data-prex-handoff', data: { status: 'proposed', escalationId: 'esc_9' } }]);
    pane = mountPane({
      'POST /v1/chat': () => sseBody(frames),
      'POST /v1/handoff/esc_9/confirm': () => apiError(409, 'conflict', 'escalation esc_9 is open, not proposed'),
      'GET /v1/handoff/current': () => json(200, { escalation: escalation('open', 'esc_9') }),
    });
    const { $, ask } = pane;
    pane.handle.open();
    ask('money back');
    await until(() => !!$('prex-handoff-yes'));
    $('prex-handoff-yes')!.click();
    await until(() => !!$('prex-handoff-open'));
    expect($('prex-error')).toBeNull();
  });

  it('a failed escalation request is an error with Retry, and Retry asks again', async () => {
    let calls = 0;
    pane = mountPane({
      'POST /v1/handoff': () => (calls++ === 0 ? apiError(429, 'rate_limited', 'slow down') : json(201, { escalation: escalation('open') })),
    });
    const { $ } = pane;
    pane.handle.open();
    $('prex-menu-button')!.click();
    await until(() => !!$('prex-menu-human'));
    $('prex-menu-human')!.click();
    await until(() => !!$('prex-error'));
    expect($('prex-error')!.textContent).toContain('Too many messages');
    $('prex-retry')!.click();
    await until(() => !!$('prex-handoff-open'));
    expect(calls).toBe(2);
  });

  it('the menu offers "Talk to a human" at any time (not while the team has the conversation)', async () => {
    pane = mountPane({ 'POST /v1/handoff': () => json(201, { escalation: escalation('open') }) });
    const { $ } = pane;
    pane.handle.open();
    const button = $('prex-menu-button')!;
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.click();
    await until(() => !!$('prex-menu'));
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(button.getAttribute('aria-controls')).toBe($('prex-menu')!.id);
    $('prex-menu-human')!.click();
    await until(() => !!$('prex-handoff-open'));
    expect($('prex-menu')).toBeNull();
    expect(pane.shadow.activeElement).toBe(button);
    button.click();
    await until(() => !!$('prex-menu'));
    expect($('prex-menu-human')).toBeNull();
    // Escape closes the menu only (not the pane) and gives focus back to its button
    $('prex-menu-account')!.focus();
    $('prex-menu-account')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await until(() => !$('prex-menu'));
    expect($('prex-pane')!.hidden).toBe(false);
    expect(pane.shadow.activeElement).toBe(button);
  });
});

it('speaks German when the pane does', async () => {
  const frames = answer('a1', ['Nichts gefunden.'], [{ type: 'data-prex-handoff', data: { status: 'offered' } }]);
  pane = mountPane({ 'POST /v1/chat': () => sseBody(frames), 'POST /v1/handoff': () => json(201, { escalation: escalation('open') }) }, { locale: 'de' });
  const { $, ask } = pane;
  pane.handle.open();
  ask('Bitcoin?');
  await until(() => !!$('prex-handoff-ask'));
  expect($('prex-handoff-ask')!.textContent).toBe('Mit einem Menschen sprechen');
  $('prex-handoff-ask')!.click();
  await until(() => !!$('prex-handoff-open'));
  expect($('prex-handoff-open')!.textContent).toBe('Unser Team übernimmt Ihre Unterhaltung und antwortet hier.');
  expect($('prex-menu-button')!.getAttribute('aria-label')).toBe('Weitere Optionen');
});

describe('staff replies', () => {
  function withOpenEscalation(history: () => unknown, current = () => json(200, { escalation: escalation('open') })) {
    localStorage.setItem(`prex:${PK}:session`, STORED);
    return mountPane({ 'GET /v1/sessions/current/messages': history, 'GET /v1/handoff/current': current }, { pollMs: 20 });
  }
  const base = [msg({ id: 'u1', role: 'user', text: 'I need a person' }), msg({ id: 'a1', role: 'assistant', text: 'Connecting you.' })];

  it('after a reload, GET /v1/handoff/current restores the notice, and a staff reply appears without a reload, labelled as the team', async () => {
    let polls = 0;
    pane = withOpenEscalation(() => {
      polls++;
      const reply = msg({ id: 'h1', role: 'assistant', text: 'Hi, this is Sam from support.', author: 'human' });
      return json(200, { sessionId: 'ses_old', messages: polls >= 3 ? [...base, reply] : base });
    });
    const { $, $$ } = pane;
    pane.handle.open();
    await until(() => !!$('prex-handoff-open'));
    await until(() => $$('prex-message').length === 3, 3000);
    const reply = $$('prex-message')[2]!;
    expect(reply.dataset.author).toBe('human');
    expect(reply.querySelector('[data-testid="prex-author"]')!.textContent).toBe('Support agent');
    expect($('prex-announcer')!.textContent).toBe('Support agent: Hi, this is Sam from support.');
    // every poll asked with this conversation's token
    expect(pane.requests.filter((r) => r.path === '/v1/sessions/current/messages').every((r) => r.headers.authorization === `Bearer ${STORED}`)).toBe(true);
  });

  it('polls only while the pane is open and the page visible, and stops once the team closed the escalation', async () => {
    let resolved = false;
    pane = withOpenEscalation(
      () => json(200, { sessionId: 'ses_old', messages: base }),
      () => json(200, { escalation: resolved ? null : escalation('open') }),
    );
    const { $, requests } = pane;
    const polls = () => requests.filter((r) => r.path === '/v1/sessions/current/messages').length;
    await until(() => polls() === 1); // the restore itself
    await new Promise((r) => setTimeout(r, 150));
    expect(polls()).toBe(1); // closed pane: no polling
    pane.handle.open();
    await until(() => polls() >= 3);
    pane.handle.close();
    await new Promise((r) => setTimeout(r, 60));
    const afterClose = polls();
    await new Promise((r) => setTimeout(r, 200));
    expect(polls()).toBe(afterClose);

    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState') ?? Object.getOwnPropertyDescriptor(document, 'visibilityState');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      pane.handle.open();
      await new Promise((r) => setTimeout(r, 200));
      expect(polls()).toBe(afterClose); // a hidden page is not polled
    } finally {
      if (visibility) Object.defineProperty(document, 'visibilityState', visibility);
      else delete (document as { visibilityState?: unknown }).visibilityState;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await until(() => polls() >= afterClose + 3);
    resolved = true;
    await until(() => !$('prex-handoff-open'));
    const atResolve = polls();
    await new Promise((r) => setTimeout(r, 200));
    expect(polls()).toBeLessThanOrEqual(atResolve + 1);
  });

  it('backs off while nothing new arrives', async () => {
    pane = withOpenEscalation(() => json(200, { sessionId: 'ses_old', messages: base }));
    const times: number[] = [];
    const { requests } = pane;
    pane.handle.open();
    await until(() => requests.filter((r) => r.path === '/v1/sessions/current/messages').length >= 7, 5000);
    for (const r of requests) if (r.path === '/v1/sessions/current/messages') times.push(r.at);
    // gaps between polls (the first request is the restore): ×1.5 each time nothing is new
    const gaps = times.slice(2).map((t, i) => t - times[i + 1]!);
    expect(gaps.at(-1)!).toBeGreaterThan(gaps.at(-3)! * 1.8);
  });
});
