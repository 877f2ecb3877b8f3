import { describe, expect, it } from 'vitest';
import { citedNumbers } from '../../src/llm/citations.js';
import { createExtractiveAnswerer, NO_ANSWER_TEXT, splitIntoDeltas } from '../../src/llm/extractive.js';
import { contentWords, relevantPassages } from '../../src/llm/relevance.js';
import type { Answer } from '../../src/llm/answerer.js';
import type { Passage } from '../../src/knowledge/passage.js';
import { RELEVANCE_FLOOR } from '../../src/knowledge/search/index.js';
import { ALL_PASSAGES, PASSWORD, REFUNDS, SHIPPING } from '../fixtures/passages.js';

async function collect(answer: Answer): Promise<{ deltas: string[]; text: string }> {
  const deltas: string[] = [];
  for await (const part of answer.parts) if (part.type === 'text') deltas.push(part.delta);
  return { deltas, text: deltas.join('') };
}

const answerer = createExtractiveAnswerer({ deltaDelayMs: 0 });
const ask = (question: string, passages = ALL_PASSAGES, signal = new AbortController().signal) =>
  answerer.answer({ question, passages, history: [], signal });

describe('relevance floor', () => {
  it('keeps only the question’s distinctive words', () => {
    expect(contentWords('Hi! How do I get a refund for my annual plan, please?')).toEqual(['refund', 'annual', 'plan']);
  });

  it('requires the question’s content words to occur in the passage, not just any search hit', () => {
    expect(relevantPassages('How can I get a refund?', ALL_PASSAGES)).toEqual([REFUNDS]);
    expect(relevantPassages('I forgot my password, how do I reset it?', ALL_PASSAGES)[0]).toBe(PASSWORD);
    expect(relevantPassages('How long does shipping take?', ALL_PASSAGES)).toEqual([SHIPPING]);
    expect(relevantPassages('What is the weather in Paris this week?', ALL_PASSAGES)).toEqual([]);
    // "days" occurs in two passages, but one shared generic word is not an answer.
    expect(relevantPassages('Can I pay with Bitcoin within 30 days?', ALL_PASSAGES)).toEqual([]);
    expect(relevantPassages('hello there!', ALL_PASSAGES)).toEqual([]);
  });

  it('also honours the search’s own score floor', () => {
    expect(relevantPassages('How can I get a refund?', [{ ...REFUNDS, score: RELEVANCE_FLOOR / 2 }])).toEqual([]);
  });

  it('"how does … work?" is about its topic, not about working', () => {
    expect(contentWords('How do refunds work?')).toEqual(['refund']);
    expect(contentWords('How do I work offline?')).toEqual(['offline']);
    expect(relevantPassages('How do refunds work?', ALL_PASSAGES)).toEqual([REFUNDS]);
  });

  it('prefers the section that names the topic over one that only sits in a document titled with it', () => {
    const billing = 'Billing and refunds';
    const failedPayments: Passage = { ...REFUNDS, chunkId: 'chk_failed', title: billing, section: 'Failed payments', content: 'If a renewal payment fails, your plan keeps working while we retry.' };
    const refundPolicy: Passage = { ...REFUNDS, chunkId: 'chk_policy', title: billing, section: 'Refund policy' };
    expect(relevantPassages('How do refunds work?', [failedPayments, refundPolicy])).toEqual([refundPolicy, failedPayments]);
  });
});

describe('extractive answerer', () => {
  it('answers from the relevant passage and cites it', async () => {
    const answer = await ask('How do I get a refund?');
    const { deltas, text } = await collect(answer);
    expect(answer.answerer).toBe('extractive');
    expect(answer.grounded).toBe(true);
    expect(text).toContain('You can request a refund within 30 days of purchase from the Billing page');
    expect(text).not.toContain('**'); // markdown is flattened to plain text
    expect(citedNumbers(text)).toEqual([1]);
    expect(answer.citedPassages()).toEqual([REFUNDS]);
    expect(deltas.length).toBeGreaterThan(5); // streamed in small pieces
    expect(Math.max(...deltas.map((d) => d.split(/\s+/).filter(Boolean).length))).toBeLessThanOrEqual(3);
  });

  it('answers a two-topic question from both passages, markers numbered in source order', async () => {
    const answer = await ask('Can I get a refund, and how do I reset my password?', [REFUNDS, SHIPPING, PASSWORD]);
    const { text } = await collect(answer);
    expect(citedNumbers(text)).toEqual([1, 2]);
    expect(answer.citedPassages()).toEqual([PASSWORD, REFUNDS]);
    expect(text.indexOf('reset your password')).toBeLessThan(text.indexOf('[1]'));
    expect(text.indexOf('request a refund')).toBeGreaterThan(text.indexOf('[1]'));
  });

  it('says honestly when the knowledge base has no answer, with no sources', async () => {
    const answer = await ask('What is the weather in Paris tomorrow?');
    const { text } = await collect(answer);
    expect(text).toBe(NO_ANSWER_TEXT);
    expect(answer.grounded).toBe(false);
    expect(answer.citedPassages()).toEqual([]);
  });

  it('answers honestly when retrieval returned nothing at all', async () => {
    const answer = await ask('How do I get a refund?', []);
    expect((await collect(answer)).text).toMatch(/couldn't find that in our help center/);
    expect(answer.grounded).toBe(false);
  });

  it('stops streaming when aborted and only cites what was streamed', async () => {
    const controller = new AbortController();
    const answer = await ask('How do I get a refund?', ALL_PASSAGES, controller.signal);
    const seen: string[] = [];
    for await (const part of answer.parts) {
      if (part.type === 'text') seen.push(part.delta);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toHaveLength(2);
    expect(answer.citedPassages()).toEqual([]); // the [1] marker was never streamed
  });

  it('quotes a short best passage whole, so numbered steps stay complete and in order', async () => {
    const steps: Passage = {
      ...REFUNDS,
      chunkId: 'chk_steps',
      section: 'Billing › How to request a refund',
      content: '1. Sign in and open **Settings › Billing**.\n2. Choose **Request a refund** next to the payment.\n3. Tell us why, then confirm.',
    };
    const text = (await collect(await ask('How do I request a refund?', [steps]))).text;
    // The steps are the answer: no preamble before them.
    expect(text).toBe(
      '1. Sign in and open Settings › Billing.\n2. Choose Request a refund next to the payment.\n3. Tell us why, then confirm [1].',
    );
  });

  it('leads with the sentences that answer the question, not with the page’s opening or a canned preamble', async () => {
    const prose: Passage = {
      ...REFUNDS,
      chunkId: 'chk_prose',
      content:
        'We want you to love your plan. Our team reviews every request by hand. ' +
        'Refunds reach your card within 5 to 10 business days after approval. Thanks for choosing us!',
    };
    const text = (await collect(await ask('How long until the refund reaches my card?', [prose]))).text;
    expect(text).toBe('Refunds reach your card within 5 to 10 business days after approval [1].');
  });

  it('splits text into word groups without losing a character', () => {
    const text = '  Hello there,\n\nthis is   a test [1].';
    const deltas = splitIntoDeltas(text, 2);
    expect(deltas.join('')).toBe(text);
    expect(deltas).toHaveLength(4);
  });
});
