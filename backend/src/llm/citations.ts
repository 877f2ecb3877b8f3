import type { Citation } from '@prex/protocol';
import type { Passage } from '../knowledge/passage.js';

/** The citation the client shows for a passage; the chunk id keeps sourceIds unique per answer. */
export function passageToCitation(passage: Passage): Citation {
  return {
    sourceId: passage.chunkId,
    documentId: passage.documentId,
    ...(passage.externalId ? { externalId: passage.externalId } : {}),
    title: passage.title,
    ...(passage.url ? { url: passage.url } : {}),
    ...(passage.section ? { section: passage.section } : {}),
    snippet: passage.snippet,
  };
}

// "[1]" or "[1, 3]": what the prompt asks the model to write.
const MARKER = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
const MARKER_WITH_SPACE = /( ?)\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;
// A marker still being typed at the end of what we have so far (" [", "[1", "[1, "), with its space.
const MARKER_PREFIX = / ?\[(?:\d{1,3}(?:\s*,\s*\d{0,3})*)?\s*$/;

/** Passage numbers cited by `[n]` markers in a complete text, in order of first use. */
export function citedNumbers(text: string): number[] {
  const seen: number[] = [];
  for (const match of text.matchAll(MARKER)) {
    for (const n of match[1]!.split(',').map((s) => Number(s.trim()))) {
      if (!seen.includes(n)) seen.push(n);
    }
  }
  return seen;
}

/**
 * Rewrites a model's `[n]` markers while the text streams so that they agree with the sources
 * Prex sends: the model numbers the passages it was given (1..k) and may cite any subset in any
 * order, possibly numbers that match no passage. The client numbers the sources it receives.
 * So each valid passage number is renumbered by order of first citation, and invalid numbers are
 * dropped from the text (and never become sources). A marker split across deltas is held back
 * until it is complete.
 */
export class CitationRenumberer {
  private pending = '';
  /** Original passage numbers (1-based), in order of first citation. */
  private readonly order: number[] = [];

  constructor(private readonly passageCount: number) {}

  /** Feeds a delta; returns the text that is safe to emit now (possibly ''). */
  push(delta: string): string {
    const text = this.pending + delta;
    const open = text.match(MARKER_PREFIX);
    const cut = open?.index ?? text.length;
    this.pending = text.slice(cut);
    return this.rewrite(text.slice(0, cut));
  }

  /** The held-back tail once the text has ended (an unfinished marker stays as typed). */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return this.rewrite(rest);
  }

  /** Indexes (0-based) into the passages given to the model, in the order the sources are numbered. */
  citedPassageIndexes(): number[] {
    return this.order.map((n) => n - 1);
  }

  private rewrite(text: string): string {
    // The space before a dropped marker goes with it ("Bogus [7]." → "Bogus.").
    return text.replace(MARKER_WITH_SPACE, (_marker, space: string, list: string) => {
      const renumbered = list
        .split(',')
        .map((s) => this.renumber(Number(s.trim())))
        .filter((n): n is number => n !== undefined);
      const unique = [...new Set(renumbered)];
      return unique.length ? `${space}[${unique.join(', ')}]` : '';
    });
  }

  private renumber(passageNumber: number): number | undefined {
    if (!Number.isInteger(passageNumber) || passageNumber < 1 || passageNumber > this.passageCount) return undefined;
    if (!this.order.includes(passageNumber)) this.order.push(passageNumber);
    return this.order.indexOf(passageNumber) + 1;
  }
}
