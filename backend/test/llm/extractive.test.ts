import { describe, expect, it } from 'vitest';
import { citedNumbers } from '../../src/llm/citations.js';
import { createExtractiveAnswerer, NO_ANSWER_TEXT, splitIntoDeltas } from '../../src/llm/extractive.js';
import { contentWords } from '../../src/llm/question-match.js';
import type { Answer } from '../../src/llm/answerer.js';
import type { Passage } from '../../src/knowledge/passage.js';
import { ANSWER_THRESHOLD } from '../../src/knowledge/search/index.js';
import { ALL_PASSAGES, notAnswering, PASSWORD, REFUNDS, SHIPPING } from '../fixtures/passages.js';

async function collect(answer: Answer): Promise<{ deltas: string[]; text: string }> {
  const deltas: string[] = [];
  for await (const part of answer.parts) if (part.type === 'text') deltas.push(part.delta);
  return { deltas, text: deltas.join('') };
}

const answerer = createExtractiveAnswerer({ deltaDelayMs: 0 });
const ask = (question: string, passages = ALL_PASSAGES, signal = new AbortController().signal) =>
  answerer.answer({ question, passages, history: [], signal });

describe('question words', () => {
  it('keeps only the question’s distinctive words', () => {
    expect(contentWords('Hi! How do I get a refund for my annual plan, please?')).toEqual(['refund', 'annual', 'plan']);
  });

  it('"how does … work?" is about its topic, not about working', () => {
    expect(contentWords('How do refunds work?')).toEqual(['refund']);
    expect(contentWords('How do I work offline?')).toEqual(['offline']);
  });
});

describe('the search decides whether to answer', () => {
  it('answers only from passages scored at or above the threshold, in the search’s order', async () => {
    const answer = await ask('How long does shipping take?', [notAnswering(REFUNDS), SHIPPING, notAnswering(PASSWORD)]);
    const { text } = await collect(answer);
    expect(text).toContain('Standard shipping takes 3-5 business days');
    expect(answer.citedPassages()).toEqual([SHIPPING]);
  });

  it('declines when passages were retrieved but none reaches the threshold, even one sharing the question’s words', async () => {
    const justBelow = { ...REFUNDS, score: ANSWER_THRESHOLD - 0.01 };
    const answer = await ask('How can I get a refund?', [justBelow, notAnswering(PASSWORD)]);
    expect((await collect(answer)).text).toBe(NO_ANSWER_TEXT);
    expect(answer.grounded).toBe(false);
    expect(answer.citedPassages()).toEqual([]);
    expect((await collect(await ask('How can I get a refund?', [{ ...REFUNDS, score: ANSWER_THRESHOLD }]))).text).toContain('request a refund');
  });

  it('joins a passage below the threshold only for a part of the question the answering ones miss', async () => {
    const refundsBelow = { ...REFUNDS, score: ANSWER_THRESHOLD / 2 };
    const answer = await ask('Can I get a refund, and how do I reset my password?', [PASSWORD, refundsBelow, notAnswering(SHIPPING)]);
    await collect(answer);
    expect(answer.citedPassages()).toEqual([PASSWORD, refundsBelow]);
    const alone = await ask('How do I reset my password?', [PASSWORD, refundsBelow]);
    await collect(alone);
    expect(alone.citedPassages()).toEqual([PASSWORD]);
  });

  it('answers a question worded unlike the passage when search found it (a paraphrase or a follow-up)', async () => {
    // "money back" shares no word with the refund article; search matched it through "refund".
    const answer = await ask('I want my money back', [REFUNDS, notAnswering(SHIPPING)]);
    const { text } = await collect(answer);
    expect(text).toMatch(/^You can request a refund/);
    expect(answer.citedPassages()).toEqual([REFUNDS]);
  });
});

describe('extractive answerer', () => {
  it('answers from the relevant passage and cites it', async () => {
    const answer = await ask('How do I get a refund?', [REFUNDS, notAnswering(PASSWORD), notAnswering(SHIPPING)]);
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
    const answer = await ask('Can I get a refund, and how do I reset my password?', [REFUNDS, notAnswering(SHIPPING), PASSWORD]);
    const { text } = await collect(answer);
    expect(citedNumbers(text)).toEqual([1, 2]);
    expect(answer.citedPassages()).toEqual([REFUNDS, PASSWORD]);
    expect(text.indexOf('request a refund')).toBeLessThan(text.indexOf('[1]'));
    expect(text.indexOf('reset your password')).toBeGreaterThan(text.indexOf('[1]'));
  });

  it('the most confident passage leads; the other answering passages join as sources, a sentence or two each', async () => {
    const answer = await ask('How do I get a refund?', [PASSWORD, REFUNDS, SHIPPING]);
    const { text } = await collect(answer);
    expect(answer.citedPassages()).toEqual([REFUNDS, PASSWORD, SHIPPING]);
    expect(citedNumbers(text)).toEqual([1, 2, 3]);
    expect(text.split('\n\n')).toHaveLength(3);
  });

  it('a "how long" question quotes the sentence with the duration; a follow-up quotes the earlier topic’s', async () => {
    const refundsOnly = [REFUNDS, notAnswering(PASSWORD), notAnswering(SHIPPING)];
    const direct = await collect(await ask('How long does a refund take?', refundsOnly));
    expect(direct.text).toContain('within 5-10 business days');
    const followUp = await answerer.answer({
      question: 'and how long does that take?',
      passages: refundsOnly,
      history: [{ role: 'user', text: 'I want my money back' }, { role: 'assistant', text: 'You can request a refund…' }],
      signal: new AbortController().signal,
    });
    expect((await collect(followUp)).text).toContain('within 5-10 business days');
  });

  it('says honestly when the knowledge base has no answer, with no sources', async () => {
    const answer = await ask('What is the weather in Paris tomorrow?', ALL_PASSAGES.map(notAnswering));
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
