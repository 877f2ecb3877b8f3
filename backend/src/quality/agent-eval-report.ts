import type { CaseResult } from './agent-eval-run.js';

/** The human report: one PASS/FAIL line per case with its reasons under it, then a summary line. */
export function formatReport(results: readonly CaseResult[], agent: string | undefined, seconds: number): string[] {
  const width = Math.min(60, Math.max(4, ...results.map((r) => r.name.length)));
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.passed ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${(r.durationMs / 1000).toFixed(1)} s`);
    for (const reason of r.reasons) lines.push(`      - ${reason}`);
  }
  lines.push('', summaryLine(results, agent, seconds));
  return lines;
}

export function summaryLine(results: readonly CaseResult[], agent: string | undefined, seconds: number): string {
  const failed = results.filter((r) => !r.passed).length;
  return `${results.length} case${results.length === 1 ? '' : 's'}: ${results.length - failed} passed, ${failed} failed (agent ${agent ?? 'default'}, ${seconds.toFixed(1)} s)`;
}

/** --json: one object a CI job can read. */
export function jsonReport(results: readonly CaseResult[], agent: string | undefined, seconds: number): string {
  const failed = results.filter((r) => !r.passed).length;
  return JSON.stringify({ agent: agent ?? null, passed: results.length - failed, failed, seconds: Number(seconds.toFixed(3)), cases: results }, null, 2);
}
