import { afterEach, describe, expect, it } from 'vitest';
import { msg, sse, sseResponse, until } from './fakes.js';
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

describe('staff replies by push (GET /v1/conversations/current/events)', () => {
  const base = [msg({ id: 'u1', role: 'user', text: 'I need a person' }), msg({ id: 'a1', role: 'assistant', text: 'Connecting you.' })];
  const staff = (id: string, text: string, authorName?: string) => ({ type: 'staff-message', message: msg({ id, role: 'assistant', text, author: 'human', ...(authorName ? { authorName } : {}) }) });

  /** A reloaded conversation a person has; each connection to the event stream is handed to the test. */
  function reloadedWithStaff() {
    localStorage.setItem(`prex:${PK}:session`, STORED);
    const connections: ReturnType<typeof sseResponse>[] = [];
    const p = mountPane(
      {
        'GET /v1/sessions/current/messages': () => json(200, { sessionId: 'ses_old', messages: base, eventCursor: 7 }),
        'GET /v1/handoff/current': () => json(200, { escalation: escalation('open') }),
        'GET /v1/conversations/current/events': () => {
          const c = sseResponse();
          connections.push(c);
          return c.response;
        },
      },
    );
    const lastEventIds = () => p.requests.filter((r) => r.path === '/v1/conversations/current/events').map((r) => r.headers['last-event-id']);
    return { pane: p, connections, lastEventIds };
  }

  it('opens the stream after the history it restored; a staff reply appears under the staff name, typing shows until it arrives', async () => {
    const { pane: p, connections, lastEventIds } = reloadedWithStaff();
    pane = p;
    const { $, $$ } = p;
    expect(connections).toHaveLength(0); // closed pane: no stream
    p.handle.open();
    await until(() => connections.length === 1);
    expect(lastEventIds()).toEqual(['7']);
    expect(p.requests.find((r) => r.path === '/v1/conversations/current/events')!.headers.authorization).toBe(`Bearer ${STORED}`);

    connections[0]!.push(': ping\n\n' + `data: ${JSON.stringify({ type: 'staff-typing', name: 'Sam' })}\n\n`);
    await until(() => !!$('prex-staff-typing'));
    expect($('prex-staff-typing')!.textContent).toBe('Sam is typing…');
    connections[0]!.push(sse(8, staff('h1', 'Hi, this is Sam.', 'Sam')));
    await until(() => $$('prex-message').length === 3);
    expect($('prex-staff-typing')).toBeNull();
    const reply = $$('prex-message')[2]!;
    expect(reply.dataset.author).toBe('human');
    expect(reply.querySelector('[data-testid="prex-author"]')!.textContent).toBe('Sam');
    expect($('prex-announcer')!.textContent).toBe('Sam: Hi, this is Sam.');
    // Without a name: the team's generic label.
    connections[0]!.push(sse(9, staff('h2', 'Anything else?')));
    await until(() => $$('prex-message').length === 4);
    expect($$('prex-message')[3]!.querySelector('[data-testid="prex-author"]')!.textContent).toBe('Support agent');
    // One connection served it all: nothing was polled.
    expect(p.requests.filter((r) => r.path === '/v1/sessions/current/messages')).toHaveLength(1);
  });

  describe('the "live" mark for the launcher of the next page', () => {
    const LIVE = `prex:${PK}:live`;
    const unread = (p: Pane) => p.events.filter((e) => e.name === 'unread:change').map((e) => (e.payload as { count: number }).count);

    it('is set while a person has the conversation, follows what the open pane showed, stays while it is closed, and goes once the team resolved', async () => {
      const { pane: p, connections } = reloadedWithStaff();
      pane = p;
      const { $, $$ } = p;
      p.handle.open();
      await until(() => connections.length === 1);
      await until(() => localStorage.getItem(LIVE) === 'a1');
      connections[0]!.push(sse(8, staff('h1', 'Hi, this is Sam.')));
      await until(() => localStorage.getItem(LIVE) === 'h1');
      // Closed, the visitor sees nothing new: the mark keeps what they saw, the badge counts.
      p.handle.close();
      connections[0]!.push(sse(9, staff('h2', 'Still there?')));
      await until(() => $$('prex-message').length === 4);
      expect(localStorage.getItem(LIVE)).toBe('h1');
      expect(unread(p).at(-1)).toBe(1);
      connections[0]!.push(sse(10, { type: 'handoff', status: 'resolved', escalationId: 'esc_1' }));
      await until(() => !$('prex-handoff-open'));
      expect(localStorage.getItem(LIVE)).toBeNull();
    });

    it('counts on the badge the replies that came while no page showed the conversation', async () => {
      localStorage.setItem(LIVE, 'a1');
      localStorage.setItem(`prex:${PK}:session`, STORED);
      const missed = [...base, msg({ id: 'h1', role: 'assistant', text: 'Hi?', author: 'human' }), msg({ id: 'h2', role: 'assistant', text: 'Are you there?', author: 'human' })];
      pane = mountPane({
        'GET /v1/sessions/current/messages': () => json(200, { sessionId: 'ses_old', messages: missed, eventCursor: 9 }),
        'GET /v1/handoff/current': () => json(200, { escalation: escalation('open') }),
        'GET /v1/conversations/current/events': () => sseResponse().response,
      });
      const p = pane;
      await until(() => unread(p).at(-1) === 2);
      expect(localStorage.getItem(LIVE)).toBe('a1'); // not seen yet
      p.handle.open();
      await until(() => unread(p).at(-1) === 0);
      await until(() => localStorage.getItem(LIVE) === 'h2');
    });

    it('a mark whose conversation the team resolved meanwhile is removed on restore, and counts nothing', async () => {
      localStorage.setItem(LIVE, 'a1');
      localStorage.setItem(`prex:${PK}:session`, STORED);
      pane = mountPane({
        'GET /v1/sessions/current/messages': () => json(200, { sessionId: 'ses_old', messages: base }),
        'GET /v1/handoff/current': () => json(200, { escalation: escalation('resolved') }),
      });
      await until(() => localStorage.getItem(LIVE) === null);
      expect(unread(pane)).toEqual([]);
    });

    it('a mark without a conversation (the page logged the visitor out) is removed', async () => {
      localStorage.setItem(LIVE, 'a1');
      pane = mountPane({});
      await until(() => localStorage.getItem(LIVE) === null);
    });
  });

  it('after a drop it reconnects with the last id applied, shows nothing twice, and stops once the team resolved', async () => {
    const { pane: p, connections, lastEventIds } = reloadedWithStaff();
    pane = p;
    const { $, $$ } = p;
    p.handle.open();
    await until(() => connections.length === 1);
    connections[0]!.push(sse(8, staff('h1', 'First.')));
    await until(() => $$('prex-message').length === 3);
    connections[0]!.fail();
    await until(() => connections.length === 2);
    expect(lastEventIds()).toEqual(['7', '8']);
    // A server replaying from too early: event 8 again is ignored; 9 is new.
    connections[1]!.push(sse(8, staff('h1', 'First.')) + sse(9, staff('h2', 'Second.')));
    await until(() => $$('prex-message').length === 4);
    expect($$('prex-message-text').map((e) => e.textContent)).toEqual(['I need a person', 'Connecting you.', 'First.', 'Second.']);
    // The connection ends (a deploy): the next one goes on after 9.
    connections[1]!.end();
    await until(() => connections.length === 3);
    expect(lastEventIds()).toEqual(['7', '8', '9']);
    connections[2]!.push(sse(10, { type: 'handoff', status: 'resolved', escalationId: 'esc_1' }));
    await until(() => !$('prex-handoff-open'));
    await new Promise((r) => setTimeout(r, 100));
    expect(connections).toHaveLength(3); // nobody has the conversation now: no more stream
  });
});
