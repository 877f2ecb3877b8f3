import type { EvalClient, TurnOutcome } from './agent-eval-client.js';
import type { AgentEvalFile, EvalCase } from './agent-eval-file.js';
import { judgeTurn } from './agent-eval-judge.js';

/** One case's verdict, with what each turn produced (for --json and for debugging a failure). */
export interface CaseResult {
  name: string;
  passed: boolean;
  reasons: string[];
  durationMs: number;
  turns: Array<{ text: string; answer: string; sources: string[]; handoff: string[]; grounded: boolean | undefined; agent: string | undefined }>;
}

export interface RunOptions {
  client: EvalClient;
  /** Agent name sent with every message; undefined = the tenant's default agent. */
  agent: string | undefined;
  concurrency: number;
  /** Called as each case finishes (progress). */
  onCase?: (result: CaseResult) => void;
}

function turnReport(text: string, o: TurnOutcome): CaseResult['turns'][number] {
  return { text, answer: o.text, sources: o.sources.map((s) => s.title), handoff: o.handoff, grounded: o.grounded, agent: o.agent };
}

/** Runs a case in a fresh session, turn by turn; a failed turn ends the case (later turns would build on it). */
export async function runCase(c: EvalCase, options: RunOptions): Promise<CaseResult> {
  const started = performance.now();
  const token = await options.client.createSession();
  const reasons: string[] = [];
  const turns: CaseResult['turns'] = [];
  const judged = c.turns.filter((t) => t.expect).length;
  for (const [i, turn] of c.turns.entries()) {
    const outcome = await options.client.sendTurn(token, turn.text, options.agent);
    turns.push(turnReport(turn.text, outcome));
    const prefix = c.turns.length > 1 && (judged > 1 || !turn.expect) ? `turn ${i + 1}: ` : '';
    reasons.push(...judgeTurn(outcome, turn.expect).map((r) => prefix + r));
    if (outcome.error) break;
  }
  return { name: c.name, passed: reasons.length === 0, reasons, durationMs: performance.now() - started, turns };
}

/** Runs every case, `concurrency` at a time; results come back in file order. */
export async function runAgentEval(file: AgentEvalFile, options: RunOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(file.cases.length);
  let next = 0;
  const worker = async () => {
    while (next < file.cases.length) {
      const index = next++;
      results[index] = await runCase(file.cases[index]!, options);
      options.onCase?.(results[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, file.cases.length) }, worker));
  return results;
}
