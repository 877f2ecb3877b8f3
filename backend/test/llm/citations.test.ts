import { describe, expect, it } from 'vitest';
import { CITATION_METADATA_KEY, chatMessageSchema, citationFromSourceChunk, citationToSourceChunk } from '@prex/protocol';
import { CitationRenumberer, citedNumbers, passageToCitation } from '../../src/llm/citations.js';
import { PASSWORD, REFUNDS } from '../fixtures/passages.js';

/** Feeds deltas through a renumberer; returns the emitted text and the cited passage indexes. */
function renumber(deltas: string[], passageCount: number) {
  const r = new CitationRenumberer(passageCount);
  const text = deltas.map((d) => r.push(d)).join('') + r.flush();
  return { text, cited: r.citedPassageIndexes() };
}

describe('citation markers', () => {
  it('parses [n] and [n, m] markers in order of first use', () => {
    expect(citedNumbers('A [2]. B [1, 3]. C [2].')).toEqual([2, 1, 3]);
    expect(citedNumbers('No markers, [x] or [] here.')).toEqual([]);
  });

  it('renumbers cited passages by first use and drops numbers that match no passage', () => {
    const out = renumber(['Refunds take a week [3]. Reset via email [1][9]. Both [3, 1]. Bogus [7].'], 3);
    expect(out.text).toBe('Refunds take a week [1]. Reset via email [2]. Both [1, 2]. Bogus.');
    expect(out.cited).toEqual([2, 0]);
  });

  it('handles markers split across deltas', () => {
    const deltas = ['See', ' the policy [', '2', ']', ' and [1', ', ', '2] and [', '4]', ' done ['];
    const out = renumber(deltas, 2);
    expect(out.text).toBe('See the policy [1] and [2, 1] and done [');
    expect(out.cited).toEqual([1, 0]);
  });

  it('holds back only what could still become a marker', () => {
    const r = new CitationRenumberer(2);
    expect(r.push('Array[')).toBe('Array');
    expect(r.push('i] is fine')).toBe('[i] is fine');
    expect(r.push(' [1')).toBe('');
    expect(r.push('] ok')).toBe(' [1] ok');
  });

  it('turns a passage into a citation with its link and heading', () => {
    expect(passageToCitation(REFUNDS)).toEqual({
      sourceId: 'chk_refunds',
      documentId: 'doc_refunds',
      title: 'Refund policy',
      url: 'https://help.example.com/refunds',
      section: 'Billing › Refunds',
      snippet: REFUNDS.snippet,
    });
    expect(passageToCitation(PASSWORD)).not.toHaveProperty('url');
  });

  it("carries the document's external id (the tenant's own id) through the source chunk and back", () => {
    const citation = passageToCitation({ ...REFUNDS, externalId: 'refund-policy' });
    expect(citation.externalId).toBe('refund-policy');
    const chunk = citationToSourceChunk(citation);
    expect(chunk.providerMetadata?.[CITATION_METADATA_KEY]).toMatchObject({ externalId: 'refund-policy', documentId: 'doc_refunds' });
    expect(citationFromSourceChunk(chunk)).toEqual(citation);
  });

  it('keeps citations stored or sent before external ids readable', () => {
    const old = { sourceId: 'chk_refunds', documentId: 'doc_refunds', title: 'Refund policy', snippet: 'Refunds within 30 days.' };
    const message = chatMessageSchema.parse({ id: 'msg_1', role: 'assistant', text: 'Yes [1].', status: 'complete', sources: [old], createdAt: '2026-01-01T00:00:00.000Z' });
    expect(message.sources[0]).toEqual(old);
    const fromOldServer = citationFromSourceChunk({ type: 'source-document', sourceId: 'chk_refunds', mediaType: 'text/markdown', title: 'Refund policy', providerMetadata: { [CITATION_METADATA_KEY]: { documentId: 'doc_refunds', snippet: old.snippet } } });
    expect(fromOldServer).toMatchObject(old);
    expect(fromOldServer.externalId).toBeUndefined();
  });
});
