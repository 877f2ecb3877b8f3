// `prex eval agent FILE`: a tenant's agent regression tests, run over the public HTTP API against a
// running server, one fresh session per case. Exit code 0 when every case passes, 1 when one
// fails, 2 when the run could not happen (bad file, bad options, server unreachable or key refused).
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { agentNameSchema } from '@prex/protocol';
import { EvalClient, ServerUnusableError } from '../quality/agent-eval-client.js';
import { EvalFileError, parseAgentEvalFile, type AgentEvalFile } from '../quality/agent-eval-file.js';
import { formatReport, jsonReport } from '../quality/agent-eval-report.js';
import { runAgentEval } from '../quality/agent-eval-run.js';

export const EXIT = { passed: 0, failed: 1, unusable: 2 } as const;

export interface EvalAgentOptions {
  url: string;
  key?: string;
  agent?: string;
  json: boolean;
  concurrency: number;
  timeout: number;
}

/** Where the report goes: stdout and stderr in the CLI, buffers in tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

function integerIn(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

function agentName(value: string): string {
  const parsed = agentNameSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message);
  return parsed.data;
}

function baseUrl(value: string): string {
  if (!/^https?:\/\/[^/]/.test(value)) throw new InvalidArgumentError('must be an http(s) URL such as http://localhost:8787');
  return value;
}

async function loadFile(path: string): Promise<AgentEvalFile> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new EvalFileError(path, [error.code === 'ENOENT' ? 'no such file' : error.message]);
  });
  return parseAgentEvalFile(text, path);
}

async function runFile(file: AgentEvalFile, key: string, options: EvalAgentOptions, io: CliIo): Promise<number> {
  const agent = options.agent ?? file.agent;
  const client = new EvalClient({ baseUrl: options.url, publishableKey: key, turnTimeoutMs: options.timeout * 1000 });
  await client.checkServer();
  const started = performance.now();
  const results = await runAgentEval(file, {
    client,
    agent,
    concurrency: options.concurrency,
    ...(options.json ? {} : { onCase: (r) => io.err(`${r.passed ? 'pass' : 'FAIL'}: ${r.name}`) }),
  });
  const seconds = (performance.now() - started) / 1000;
  if (options.json) io.out(jsonReport(results, agent, seconds));
  else for (const line of formatReport(results, agent, seconds)) io.out(line);
  return results.every((r) => r.passed) ? EXIT.passed : EXIT.failed;
}

/** Runs the command; returns the exit code. */
export async function evalAgent(path: string, options: EvalAgentOptions, io: CliIo = processIo): Promise<number> {
  const key = options.key ?? process.env.PREX_PUBLISHABLE_KEY;
  if (!key) {
    io.err('prex: --key is required (the tenant’s publishable key pk_…), or set PREX_PUBLISHABLE_KEY');
    return EXIT.unusable;
  }
  try {
    return await runFile(await loadFile(path), key, options, io);
  } catch (error) {
    if (error instanceof EvalFileError) for (const problem of error.problems) io.err(`${error.file}: ${problem}`);
    else if (error instanceof ServerUnusableError) io.err(`prex: ${error.message}`);
    // Not "a case failed" (1): the run itself broke.
    else io.err(`prex: the run stopped on an unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.unusable;
  }
}

export interface RegisterDeps {
  io: CliIo;
  setExitCode(code: number): void;
  /** A usage error (commander already printed it); the CLI exits with 2, tests record it. */
  onUsageError(error: CommanderError): never;
}

const processDeps: RegisterDeps = {
  io: processIo,
  setExitCode: (code) => (process.exitCode = code),
  // "Could not run", like a bad file: 2, not commander's 1. stderr is synchronous on pipes and terminals.
  onUsageError: (error) => process.exit(error.exitCode === 0 ? 0 : EXIT.unusable),
};

/** Adds `agent` under `prex eval`. */
export function registerEvalAgentCommand(evalCommand: Command, deps: RegisterDeps = processDeps): Command {
  return evalCommand
    .command('agent')
    .description(
      'Run a YAML file of agent regression tests against a running server: each case in a fresh session over the ' +
        'public API, judged on citations, mentions, handoff and grounding. Exit code 0: all passed, 1: a case failed, ' +
        '2: the file or the server could not be used.' +
        'See docs/quality.md.',
    )
    .argument('<file>', 'YAML file: agent (optional) and cases[] with name, turns, expect')
    .option('--url <url>', 'base URL of the Prex server', baseUrl, 'http://localhost:8787')
    .option('--key <pk>', 'the tenant’s publishable key (default: PREX_PUBLISHABLE_KEY)')
    .option('--agent <name>', 'agent to test (default: the file’s agent, else the tenant’s default)', agentName)
    .option('--json', 'print the results as JSON', false)
    .option('--concurrency <n>', 'cases run at the same time', integerIn(1, 32), 2)
    .option('--timeout <seconds>', 'longest wait for one answer', integerIn(1, 600), 60)
    .exitOverride((error) => deps.onUsageError(error))
    .action(async (file: string, options: EvalAgentOptions) => {
      deps.setExitCode(await evalAgent(file, options, deps.io));
    });
}

/** `prex eval agent …args` in-process with its output captured: the CLI as tests drive it. */
export async function runEvalAgentCli(args: string[], io: CliIo): Promise<number> {
  let code: number = EXIT.passed;
  const program = new Command('prex').configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerEvalAgentCommand(program.command('eval'), {
    io,
    setExitCode: (c) => (code = c),
    onUsageError: (error) => {
      code = error.exitCode === 0 ? 0 : EXIT.unusable;
      throw error;
    },
  });
  try {
    await program.parseAsync(['eval', 'agent', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
  }
  return code;
}
