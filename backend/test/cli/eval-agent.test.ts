import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, type OpenAICompatibleServer, startOpenAICompatibleServer, startTcpProxy } from '@prex/testing';
import { EXIT, runEvalAgentCli } from '../../src/cli/eval-agent.js';
import { upsertDocument } from '../../src/knowledge/ingest.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { KB_DOCUMENTS } from '../helpers/chat.js';

/**
 * `prex eval agent` end to end: the command's real option parsing and output, in-process, against
 * a real server on loopback (extractive answerer, then a scripted model through the real `openai`
 * client) holding the chat tests' small knowledge base.
 */

let dir: string;
let extractive: TestApp;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'prex-eval-agent-'));
  extractive = await startTestApp({ env: { PREX_RATE_LIMIT_PER_MINUTE: '100000', PREX_EXTRACTIVE_DELAY_MS: '0' } });
  for (const doc of KB_DOCUMENTS) await upsertDocument(extractive.db, extractive.tenant.id, doc);
}, 120_000);
afterAll(async () => {
  await extractive?.close();
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function caseFile(yaml: string): Promise<string> {
  const file = path.join(dir, `cases-${++files}.yaml`);
  await writeFile(file, yaml);
  return file;
}

async function prexEvalAgent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEvalAgentCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const against = (app: TestApp, ...more: string[]) => ['--url', app.url, '--key', app.publishableKey, ...more];

const PASSING = `
cases:
  - name: refund window
    turns: [How do I get a refund?]
    expect:
      cites: [Refund policy]
      mentions: [30 days, /\\d+-\\d+ business days/, "original   payment method"]
      notMentions: [/guarantee/i]
      grounded: true
      handoff: false
  - name: password then off-topic
    turns:
      - text: How do I reset my password?
        expect: {cites: [Account access], mentions: [reset link]}
      - Do you sell bicycles?
    expect: {grounded: false, handoff: offered}
  - name: asks for a person
    turns: [I want to talk to a human please]
    expect: {handoff: true}
`;

describe('prex eval agent against the extractive answerer', () => {
  it('passes a file whose expectations hold: a PASS line per case, a summary, exit 0', async () => {
    const run = await prexEvalAgent([await caseFile(PASSING), ...against(extractive)]);
    expect(run.stdout.split('\n').filter((l) => /^(PASS|FAIL) /.test(l))).toEqual([
      expect.stringMatching(/^PASS {2}refund window\s+\d+\.\d s$/),
      expect.stringMatching(/^PASS {2}password then off-topic\s+\d+\.\d s$/),
      expect.stringMatching(/^PASS {2}asks for a person\s+\d+\.\d s$/),
    ]);
    expect(run.stdout).toMatch(/\n3 cases: 3 passed, 0 failed \(agent default, \d+\.\d s\)$/);
    expect(run.code).toBe(EXIT.passed);
  });

  it('fails the cases whose expectations do not hold, with one reason each, and exits 1', async () => {
    const file = await caseFile(`
cases:
  - name: wrong expectations
    turns: [How do I get a refund?]
    expect:
      cites: [Shipping]
      mentions: [store credit]
      notMentions: [gift cards]
      grounded: false
      handoff: true
  - name: still right
    turns: [How do I reset my password?]
    expect: {mentions: [Forgot password]}
  - name: an earlier turn fails
    turns:
      - text: Do you sell bicycles?
        expect: {grounded: true}
      - How do I reset my password?
    expect: {mentions: [reset]}
`);
    const run = await prexEvalAgent([file, ...against(extractive, '--concurrency', '3')]);
    expect(run.code).toBe(EXIT.failed);
    const lines = run.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('FAIL  wrong expectations'));
    expect(lines.slice(at + 1, at + 6)).toEqual([
      '      - did not cite "Shipping" (cited "Refund policy")',
      '      - does not mention "store credit"',
      '      - mentions "gift cards" (must not)',
      '      - did not hand off (no handoff)',
      '      - grounded is true, expected false',
    ]);
    expect(run.stdout).toMatch(/^PASS {2}still right/m);
    expect(run.stdout).toContain('FAIL  an earlier turn fails');
    expect(run.stdout).toContain('      - turn 1: grounded is false, expected true');
    expect(run.stdout).toMatch(/3 cases: 1 passed, 2 failed/);
  });

  it('prints JSON with each turn’s answer, sources and handoff for --json', async () => {
    const run = await prexEvalAgent([await caseFile(PASSING), ...against(extractive, '--json')]);
    expect(run.code).toBe(EXIT.passed);
    const report = JSON.parse(run.stdout) as { passed: number; failed: number; cases: Array<{ name: string; passed: boolean; turns: Array<{ answer: string; sources: string[]; handoff: string[] }> }> };
    expect(report).toMatchObject({ passed: 3, failed: 0 });
    expect(report.cases[0]!.turns[0]!.sources).toEqual(['Refund policy']);
    expect(report.cases[0]!.turns[0]!.answer).toContain('30 days');
    expect(report.cases[2]!.turns[0]!.handoff).toContain('open');
  });

  it('matches cites by the external id the citation carries, and names what was cited when it misses', async () => {
    const file = await caseFile('cases:\n  - name: by external id\n    turns: [How do I get a refund?]\n    expect: {cites: [refunds]}\n');
    const run = await prexEvalAgent([file, ...against(extractive)]);
    expect(run.stdout).toContain('PASS  by external id');
    expect(run.code).toBe(EXIT.passed);

    const wrong = await caseFile('cases:\n  - name: wrong document\n    turns: [How do I get a refund?]\n    expect: {cites: [shipping]}\n');
    const missed = await prexEvalAgent([wrong, ...against(extractive)]);
    expect(missed.code).toBe(EXIT.failed);
    expect(missed.stdout).toContain('did not cite "shipping" (cited "Refund policy")');
  });

  it('reports a case sent to an agent the tenant does not have as failed, with the server’s reason', async () => {
    const file = await caseFile('agent: nobody\ncases:\n  - name: routed\n    turns: [How do I get a refund?]\n    expect: {mentions: [refund]}\n');
    const run = await prexEvalAgent([file, ...against(extractive)]);
    expect(run.code).toBe(EXIT.failed);
    expect(run.stdout).toMatch(/FAIL {2}routed[\s\S]*- the server answered 404: .*nobody/);
  });
});

describe('prex eval agent refuses to run (exit 2) when it cannot', () => {
  it.each([
    ['a YAML syntax error', 'cases:\n  - name: a\n    turns: [unclosed\n', /YAML syntax error at line \d+, column \d+/],
    ['an empty file', '', /\(top level\): the file must be a YAML mapping with cases/],
    ['no cases', 'agent: support\n', /cases: cases must be a list/],
    ['an unknown top-level key', 'agnet: support\ncases: []\n', /Unrecognized key: "agnet"/],
    ['an unknown field', 'cases:\n  - name: a\n    turns: [hi]\n    expect: {mention: [x]}\n', /case 1 \(a\), expect: Unrecognized key: "mention"/],
    ['an invalid regex', 'cases:\n  - name: ok\n    turns: [hi]\n    expect: {mentions: [x]}\n  - name: broken\n    turns: [hi]\n    expect: {mentions: ["/(/"]}\n', /case 2 \(broken\), expect\.mentions\[0\]: is not a valid regular expression/],
    ['a bad handoff value', 'cases:\n  - name: h\n    turns: [hi]\n    expect: {handoff: maybe}\n', /case 1 \(h\), expect\.handoff: handoff must be true, false, or one of offered, proposed, open/],
    ['a case without expectations', 'cases:\n  - name: idle\n    turns: [hi, there]\n', /case 1 \(idle\), expect: no expectations/],
    ['an empty turn', 'cases:\n  - name: e\n    turns: ["  "]\n    expect: {grounded: true}\n', /case 1 \(e\), turns\[0\]\.text: text is empty/],
    ['a duplicate case name', 'cases:\n  - {name: same, turns: [a], expect: {grounded: true}}\n  - {name: same, turns: [b], expect: {grounded: true}}\n', /case 2 \(same\), name: another case is already named "same"/],
    ['a bad agent name', 'agent: Support Team\ncases:\n  - {name: a, turns: [a], expect: {grounded: true}}\n', /agent: name must be a lower-case slug/],
  ])('%s', async (_what, yaml, message) => {
    const run = await prexEvalAgent([await caseFile(yaml), ...against(extractive)]);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(EXIT.unusable);
  });

  it('a missing file', async () => {
    const run = await prexEvalAgent([path.join(dir, 'nope.yaml'), ...against(extractive)]);
    expect(run.stderr).toMatch(/nope\.yaml: no such file/);
    expect(run.code).toBe(EXIT.unusable);
  });

  it('an unreachable server, a refused key, a missing key, bad options', async () => {
    const file = await caseFile(PASSING);
    const port = await closedPort();
    const unreachable = await prexEvalAgent([file, '--url', `http://127.0.0.1:${port}`, '--key', extractive.publishableKey]);
    expect(unreachable.stderr).toBe(`prex: connection refused to http://127.0.0.1:${port}/v1/widget/config (is the server running, on that port?)`);
    expect(unreachable.code).toBe(EXIT.unusable);
    const refused = await prexEvalAgent([file, '--url', extractive.url, '--key', 'pk_not_a_real_key_1234']);
    expect(refused.stderr).toMatch(/refused the publishable key: Unknown publishable key/);
    expect(refused.code).toBe(EXIT.unusable);
    const missing = await prexEvalAgent([file, '--url', extractive.url]);
    expect(missing.stderr).toMatch(/--key is required/);
    expect(missing.code).toBe(EXIT.unusable);
    const badOption = await prexEvalAgent([file, ...against(extractive, '--concurrency', '0')]);
    expect(badOption.stderr).toMatch(/--concurrency.*must be an integer from 1 to 32/);
    expect(badOption.code).toBe(EXIT.unusable);
  });
});

describe('prex eval agent against a scripted model (real openai client → loopback provider)', () => {
  let provider: OpenAICompatibleServer;
  let llm: TestApp;

  beforeAll(async () => {
    provider = await startOpenAICompatibleServer({ apiKey: 'test-key' });
    llm = await startTestApp({
      env: { PREX_RATE_LIMIT_PER_MINUTE: '100000', OPENAI_BASE_URL: provider.url, OPENAI_API_KEY: 'test-key', OPENAI_MODEL: 'test-model', PREX_CLASSIFIER: 'rules', PREX_LLM_MAX_RETRIES: '0' },
    });
    for (const doc of KB_DOCUMENTS) await upsertDocument(llm.db, llm.tenant.id, doc);
  }, 120_000);
  afterAll(async () => {
    await llm?.close();
    await provider?.close();
  });

  it('judges what the model wrote, turn by turn', async () => {
    provider.respondWith((request) => {
      const last = JSON.stringify(request.messages?.at(-1)?.content ?? '');
      return last.includes('refund') ? { text: 'Refunds are possible within 30 days [1].' } : { text: 'Standard shipping takes 3-5 business days [1].' };
    });
    const file = await caseFile(`
cases:
  - name: two questions
    turns:
      - text: How do I get a refund?
        expect: {cites: [Refund policy], mentions: [within 30 days]}
      - text: How long does standard shipping take?
        expect: {cites: [https://help.example.com/shipping], mentions: [/3-5 business days/], notMentions: [refund]}
`);
    const run = await prexEvalAgent([file, ...against(llm)]);
    expect(run.stdout).toContain('PASS  two questions');
    expect(run.code).toBe(EXIT.passed);
  });

  it('fails a turn that gets no complete answer within --timeout, and one whose answer errors', async () => {
    provider.respondWith({ text: 'Slow answer that never arrives in time', firstChunkDelayMs: 5_000 });
    const file = await caseFile('cases:\n  - name: slow\n    turns: [How do I get a refund?]\n    expect: {mentions: [refund]}\n');
    const slow = await prexEvalAgent([file, ...against(llm, '--timeout', '1')]);
    expect(slow.stdout).toContain('- no complete answer within 1 s');
    expect(slow.code).toBe(EXIT.failed);

    provider.respondWith({ text: 'Refunds are possible', streamErrorAfterChunks: { after: 2, message: 'upstream broke' } });
    const broken = await prexEvalAgent([file, ...against(llm)]);
    expect(broken.stdout).toMatch(/FAIL {2}slow[\s\S]*- the answer failed: /);
    expect(broken.code).toBe(EXIT.failed);
  }, 60_000);

  it('resumes an answer whose connection was cut mid-stream and judges the whole text', async () => {
    const words = Array.from({ length: 30 }, (_, i) => `w${i + 1}`).join(' ');
    provider.respondWith({ text: `Refunds take 30 days [1]. ${words} end.`, delayMs: 40 });
    provider.requests.length = 0;
    const proxy = await startTcpProxy({ port: Number(new URL(llm.url).port) });
    try {
      const file = await caseFile('cases:\n  - name: cut\n    turns: [How do I get a refund?]\n    expect: {mentions: [Refunds take 30 days, w30 end], cites: [Refund policy]}\n');
      const running = prexEvalAgent(['--url', proxy.url, '--key', llm.publishableKey, file]);
      // Cut once the answer is streaming (the model has been asked), well before its ~1.3 s end.
      while (provider.completionRequests.length === 0) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 300));
      expect(proxy.cutAll()).toBeGreaterThan(0);
      const run = await running;
      expect(run.stdout).toContain('PASS  cut');
      expect(run.code).toBe(EXIT.passed);
    } finally {
      await proxy.close();
    }
  });
});
