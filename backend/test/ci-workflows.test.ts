import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

/**
 * The GitHub Actions workflows cannot run on the machines this repo is tested on: this holds them
 * to what docs/deploy.md says they do (valid YAML, the README's test command on Node 20 in
 * Debian, a release that publishes with changesets only after the versions were applied).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; container?: { image: string }; steps: Step[] }>;
}

async function workflow(name: string): Promise<Workflow> {
  const doc = parseDocument(await readFile(`${ROOT}.github/workflows/${name}`, 'utf8'), { strict: true, uniqueKeys: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  expect(doc.warnings.map((e) => e.message)).toEqual([]);
  return doc.toJS() as Workflow;
}

describe('.github/workflows/ci.yml', () => {
  it("runs .ci/run, README's test command, on Ubuntu in Node 20's Debian image, for pushes and pull requests", async () => {
    const ci = await workflow('ci.yml');
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
    const [job, ...others] = Object.values(ci.jobs);
    expect(others).toEqual([]);
    expect(job!['runs-on']).toMatch(/^ubuntu-/);
    expect(job!.container?.image).toMatch(/^node:20-bookworm/);
    expect(job!.steps.map((s) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
    expect(await readFile(`${ROOT}.ci/run`, 'utf8')).toMatch(/^npm test$/m);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });
});

describe('.github/workflows/release.yml', () => {
  it('on a v* tag, refuses pending changesets, checks the packages, then publishes with changesets', async () => {
    const release = await workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    const steps = Object.values(release.jobs)[0]!.steps;
    const runs = steps.map((s) => s.run ?? '');
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    const order = [/find \.changeset/, /pnpm install --frozen-lockfile/, /^pnpm build$/, /@prex\/package-check test/, /^pnpm changeset publish$/].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with).toMatchObject({ 'node-version': 20, 'registry-url': 'https://registry.npmjs.org' });
    expect(steps.at(-1)!.env).toMatchObject({ NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}' });
  });
});
