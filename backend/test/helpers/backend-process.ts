import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closedPort } from '@prex/testing';

const MAIN = path.join(fileURLToPath(new URL('../..', import.meta.url)), 'dist/main.js');

/** A Prex backend running as a process of its own, so a test can SIGKILL it like a crash. */
export interface BackendProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** SIGKILL, resolving once the process is gone: no shutdown, no last write, sockets reset. */
  kill(): Promise<void>;
}

/**
 * Starts the built backend (dist/main.js; call ensureBuilt() from helpers/cli.ts first) with `env`
 * on a free loopback port; resolves once it listens, rejects with its output if it exits first.
 */
export async function startBackendProcess(env: Record<string, string>): Promise<BackendProcess> {
  const port = await closedPort();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), PREX_SEED_DEMO: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('Prex is listening')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the backend exited (${code}) before listening:\n${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    port,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
