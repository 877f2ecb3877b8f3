import { describe, expect, it } from 'vitest';
import { questionBefore } from '../../src/solutions/from-reply.js';
import { messageSummary } from '../helpers/message-summary.js';

const message = (role: 'user' | 'assistant', text: string, author: 'bot' | 'human' = 'bot') => messageSummary(role, text, { author });

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
