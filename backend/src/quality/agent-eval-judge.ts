import type { CitedSource, TurnOutcome } from './agent-eval-client.js';
import type { Expectations, HandoffExpectation, HandoffStatus, Matcher } from './agent-eval-file.js';

/**
 * Judges one answer against a case's expectations. Each unmet expectation gives one reason,
 * worded for the tenant reading the report ("did not cite …", "mentions … (must not)").
 */

/** Handoff statuses that mean the agent actually handed over (offered is only a button). */
const HANDED_OFF: ReadonlySet<HandoffStatus> = new Set(['proposed', 'open']);

const quote = (s: string) => JSON.stringify(s);
const same = (a: string | undefined, b: string) => a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** A document is named by its id, its external id (the tenant's slug), its title or its URL. */
function cites(source: CitedSource, wanted: string): boolean {
  return (
    source.documentId === wanted ||
    same(source.externalId, wanted) ||
    same(source.title, wanted) ||
    source.url === wanted
  );
}

function citationReasons(outcome: TurnOutcome, wanted: readonly string[]): string[] {
  const cited = outcome.sources.map((s) => quote(s.title)).join(', ') || 'nothing';
  return wanted.filter((w) => !outcome.sources.some((s) => cites(s, w))).map((w) => `did not cite ${quote(w)} (cited ${cited})`);
}

function handoffReason(seen: readonly HandoffStatus[], expected: HandoffExpectation): string | undefined {
  const handedOff = seen.some((s) => HANDED_OFF.has(s));
  const saw = seen.length ? `saw ${seen.join(', ')}` : 'no handoff';
  if (expected === true && !handedOff) return `did not hand off (${saw})`;
  if (expected === false && handedOff) return `handed off (${saw}) but must not`;
  if (typeof expected === 'string' && !seen.includes(expected)) return `expected handoff ${expected} (${saw})`;
  return undefined;
}

const matches = (m: Matcher, text: string) => {
  m.pattern.lastIndex = 0;
  return m.pattern.test(text);
};

/** The reasons this answer fails its expectations; empty when it passes. */
export function judgeTurn(outcome: TurnOutcome, expect: Expectations | undefined): string[] {
  if (outcome.error) return [outcome.error];
  if (!expect) return [];
  const reasons = [
    ...citationReasons(outcome, expect.cites ?? []),
    ...(expect.mentions ?? []).filter((m) => !matches(m, outcome.text)).map((m) => `does not mention ${quote(m.label)}`),
    ...(expect.notMentions ?? []).filter((m) => matches(m, outcome.text)).map((m) => `mentions ${quote(m.label)} (must not)`),
  ];
  const handoff = expect.handoff === undefined ? undefined : handoffReason(outcome.handoff, expect.handoff);
  if (handoff) reasons.push(handoff);
  if (expect.grounded !== undefined && outcome.grounded !== expect.grounded) {
    reasons.push(`grounded is ${outcome.grounded ?? 'unknown'}, expected ${expect.grounded}`);
  }
  return reasons;
}
