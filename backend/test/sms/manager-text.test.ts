import { describe, expect, it } from 'vitest';
import { managerNoticeText, shortQuestion } from '../../src/sms/managers.js';
import { newNoticeCode, quotedCode } from '../../src/sms/notices.js';

describe("a manager's notice and reply", () => {
  it('quotes the question on one line, cut at 200 characters without splitting an emoji', () => {
    expect(shortQuestion('  Where is\n\nmy   parcel?  ')).toBe('Where is my parcel?');
    const long = shortQuestion(`${'a'.repeat(198)}😀😀😀`);
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('😀…')).toBe(true);
  });

  it('leaves out the question and the link when there are none', () => {
    expect(managerNoticeText({ brand: 'Acme', question: null, link: null, code: 'K3F2' })).toBe(
      'Acme: a customer asks for a person (#K3F2).\nReply to this SMS to answer them; start with #K3F2 if newer notices came since.',
    );
  });

  it('reads a quoted code in any case, with or without punctuation after it', () => {
    expect(quotedCode('#k3f2 On it')).toEqual({ code: 'K3F2', rest: 'On it' });
    expect(quotedCode('  #K3F2: On it')).toEqual({ code: 'K3F2', rest: 'On it' });
    expect(quotedCode('#K3F2')).toEqual({ code: 'K3F2', rest: '' });
    expect(quotedCode('On it #K3F2')).toBeUndefined();
    expect(quotedCode('#K3F2X more')).toBeUndefined();
  });

  it('makes codes of four unambiguous characters', () => {
    for (let i = 0; i < 200; i += 1) expect(newNoticeCode()).toMatch(/^[A-HJKMNP-Z2-9]{4}$/);
  });
});
