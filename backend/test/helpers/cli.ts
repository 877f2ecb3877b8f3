import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The real `prex` command line, run as a user runs it: the built entry in a child process. */

const run = promisify(execFile);
const BACKEND = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(BACKEND, 'dist/cli/main.js');

/** The CLI runs from the build; rebuild when a source file is newer (turbo builds before tests anyway). */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(MAIN).then((s) => s.mtimeMs, () => 0);
  const newest = async (dir: string): Promise<number> => {
    let max = 0;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      max = Math.max(max, e.isDirectory() ? await newest(full) : (await stat(full)).mtimeMs);
    }
    return max;
  };
  if (built >= (await newest(path.join(BACKEND, 'src')))) return;
  await run(process.execPath, [path.join(BACKEND, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: BACKEND });
}

export async function prex(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [MAIN, ...args], { cwd: BACKEND, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
