import { describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../src/conversations/messages.js';
import { questionBefore } from '../../src/solutions/from-reply.js';

let n = 0;
function message(role: 'user' | 'assistant', text: string, author: 'bot' | 'human' = 'bot'): MessageSummary {
  n++;
  return {
    id: `msg_${n}`,
    tenantId: 'ten_1',
    sessionId: 'ses_1',
    role,
    text,
    status: 'complete',
    sources: [],
    answerer: role === 'assistant' && author === 'bot' ? 'extractive' : null,
    author,
    authorName: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
    finishedAt: null,
    feedback: null,
  };
}

describe('questionBefore: the question a saved staff reply answered', () => {
  it('is the visitor’s messages since the previous reply, joined in order', () => {
    const messages = [
      message('user', 'Where is my order?'),
      message('assistant', 'It ships in 3-5 days.'),
      message('user', 'It has been two weeks.'),
      message('user', '  Can someone check?  '),
      message('assistant', 'It was lost; we send a new one today.', 'human'),
    ];
    expect(questionBefore(messages, 4)).toBe('It has been two weeks.\nCan someone check?');
  });

  it('looks past the staff’s own holding replies to what the visitor asked', () => {
    const messages = [
      message('user', 'Can I pay by invoice?'),
      message('assistant', 'Let me check with accounting.', 'human'),
      message('assistant', 'Yes, within 30 days.', 'human'),
    ];
    expect(questionBefore(messages, 2)).toBe('Can I pay by invoice?');
  });

  it('is undefined when no visitor message comes before the reply', () => {
    expect(questionBefore([message('assistant', 'Hi, anything we can help with?', 'human')], 0)).toBeUndefined();
  });
});
