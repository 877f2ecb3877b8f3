import { describe, expect, it } from 'vitest';
import { plainText, smsText, splitForSms } from '../../src/sms/format.js';
import { smsKeyword } from '../../src/sms/keywords.js';

describe('an answer as an SMS', () => {
  it('drops Markdown, keeps link addresses and citation markers, lists the sources', () => {
    const answer = '## Refunds\n\nYou get **your money** back [1]. See [the policy](https://help.example.com/refunds).\n\n* Fast\n* Safe';
    expect(plainText(answer)).toBe('Refunds\n\nYou get your money back [1]. See the policy (https://help.example.com/refunds).\n\n- Fast\n- Safe');
    const sources = [{ sourceId: 'c1', documentId: 'd1', title: 'Refund policy', url: 'https://help.example.com/refunds', snippet: '' }, { sourceId: 'c2', documentId: 'd2', title: 'Account access', snippet: '' }];
    expect(smsText('Yes [1][2].', sources)).toBe('Yes [1][2].\n\n[1] Refund policy https://help.example.com/refunds\n[2] Account access');
  });

  it('cuts a long text into messages within the limit, at sentence ends, losing no word', () => {
    const text = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const parts = splitForSms(text, 200);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(200);
      expect(part.endsWith('.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(text);
    expect(splitForSms('short')).toEqual(['short']);
  });

  it('never cuts an emoji in half and cuts a word-less run at the limit', () => {
    const parts = splitForSms('😀'.repeat(250), 100);
    expect(parts.map((p) => [...p].length)).toEqual([100, 100, 50]);
    expect(parts.join('')).toBe('😀'.repeat(250));
  });
});

describe('carrier keywords', () => {
  it('recognises the opt-out, opt-in and help words alone, in any case, and nothing else', () => {
    expect(['STOP', 'stop', ' Stop. ', 'unsubscribe', 'Cancel', 'QUIT', 'end', 'STOPALL'].map(smsKeyword)).toEqual(Array(8).fill('stop'));
    expect(['START', 'yes', 'Unstop'].map(smsKeyword)).toEqual(['start', 'start', 'start']);
    expect(['HELP', 'info?'].map(smsKeyword)).toEqual(['help', 'help']);
    expect(['please stop the order', 'help me with my refund', 'stopwatch', ''].map(smsKeyword)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
