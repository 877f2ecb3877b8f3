import { describe, expect, it } from 'vitest';
import { draftTurns } from '../../src/copilot/conversation.js';
import { messageSummary as message } from '../helpers/message-summary.js';

describe('draftTurns: what a draft replies to', () => {
  it('is every visitor message since the last reply, joined in order; what came before is the history', () => {
    const asked = message('user', 'Where is my order?');
    const answered = message('assistant', 'It ships in 3-5 days.');
    const more = message('user', 'It has been two weeks.');
    const last = message('user', '  Can someone check?  ');
    const turns = draftTurns([asked, answered, more, last]);
    expect(turns).toEqual({
      question: 'It has been two weeks.\nCan someone check?',
      lastVisitorMessageId: last.id,
      history: [
        { role: 'user', text: 'Where is my order?' },
        { role: 'assistant', text: 'It ships in 3-5 days.' },
      ],
    });
  });

  it('answers the latest visitor messages again after a reply, leaving that reply out', () => {
    const asked = message('user', 'Do you ship to Norway?');
    const staff = message('assistant', 'Let me check.', { author: 'human' });
    expect(draftTurns([asked, staff])).toEqual({ question: 'Do you ship to Norway?', lastVisitorMessageId: asked.id, history: [] });
  });

  it('skips answers that failed or still stream, and empty texts', () => {
    const asked = message('user', 'Refund?');
    const failed = message('assistant', 'Sorry, something went wrong', { status: 'error' });
    const streaming = message('assistant', 'Refunds are', { status: 'streaming' });
    const again = message('user', 'Hello?');
    expect(draftTurns([asked, failed, streaming, again])?.question).toBe('Refund?\nHello?');
    expect(draftTurns([message('user', '   ')])).toBeUndefined();
  });

  it('is undefined before the visitor wrote anything', () => {
    expect(draftTurns([])).toBeUndefined();
    expect(draftTurns([message('assistant', 'Hi! How can I help?')])).toBeUndefined();
  });
});
