import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { agentListResponseSchema, errorBodySchema, importResponseSchema } from '@prex/protocol';
import { makeTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
}, 60_000);
afterAll(() => app?.close());

function admin(tenant: TestTenant, path: string, init: { method?: string; body?: string; type?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${tenant.secretKey}` };
  if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/yaml';
  return app.request(path, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
}

const freshTenant = () => makeTenant(app.db, `Tenant ${Math.random().toString(36).slice(2, 8)}`);

async function exportYaml(tenant: TestTenant): Promise<string> {
  const res = await admin(tenant, '/v1/admin/agents/export');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
  return res.text();
}

async function importYaml(tenant: TestTenant, yaml: string, query = '') {
  return admin(tenant, `/v1/admin/agents/import${query}`, { method: 'POST', body: yaml });
}

async function agentsOf(tenant: TestTenant) {
  return agentListResponseSchema.parse(await (await admin(tenant, '/v1/admin/agents')).json()).agents;
}

/** What an agent is, without what belongs to one tenant's rows. */
const settingsOnly = (agents: Awaited<ReturnType<typeof agentsOf>>) =>
  agents.map(({ id: _id, createdAt: _c, updatedAt: _u, personaDraft: _d, ...rest }) => rest);

const TWO_AGENTS = `
agents:
  - name: support
    persona: |
      Calm and precise.
      Sign off with "The Acme team".
    tools: [lookup_customer, handoff_to_human]
  - name: sales
    default: true
    model: gpt-4o-mini
    temperature: 0.7
    retrieval: true
    knowledgeFilter:
      tags: [pricing, plans]
    tools: [search_products]
`;

describe('export', () => {
  it('writes a top-level agents: list with the default marked, and every setting', async () => {
    const t = await freshTenant();
    expect((await importYaml(t, TWO_AGENTS)).status).toBe(200);
    const doc = parse(await exportYaml(t)) as { agents: Array<Record<string, unknown>> };
    expect(doc.agents.map((a) => a.name)).toEqual(['sales', 'support']);
    expect(doc.agents[0]).toEqual({
      name: 'sales',
      default: true,
      persona: '',
      instructions: '',
      model: 'gpt-4o-mini',
      temperature: 0.7,
      retrieval: true,
      knowledgeFilter: { tags: ['pricing', 'plans'] },
      tools: ['search_products'],
    });
    expect(doc.agents[1]).not.toHaveProperty('default');
    expect(doc.agents[1]!.persona).toBe('Calm and precise.\nSign off with "The Acme team".\n');
  });
});

describe('import', () => {
  it('round trip: export → import on another tenant gives equal agents', async () => {
    const source = await freshTenant();
    await importYaml(source, TWO_AGENTS);
    const yaml = await exportYaml(source);
    const target = await freshTenant();
    const res = await importYaml(target, yaml);
    expect(res.status).toBe(200);
    expect(settingsOnly(await agentsOf(target))).toEqual(settingsOnly(await agentsOf(source)));
    expect(await exportYaml(target)).toBe(yaml);
  });

  it('upserts by name: omitted settings are kept, unlisted agents are left alone, and it reports what changed', async () => {
    const t = await freshTenant();
    await importYaml(t, TWO_AGENTS);
    const res = await importYaml(t, 'agents:\n  - name: support\n    temperature: 0.2\n  - name: sales\n    model: gpt-4o-mini\n  - name: billing\n');
    const body = importResponseSchema.parse(await res.json());
    expect(body).toEqual({
      dryRun: false,
      changes: [
        { name: 'support', action: 'update', fields: ['temperature'] },
        { name: 'sales', action: 'unchanged', fields: [] },
        { name: 'billing', action: 'create', fields: [] },
      ],
    });
    const agents = await agentsOf(t);
    expect(agents.find((a) => a.name === 'support')).toMatchObject({ temperature: 0.2, persona: 'Calm and precise.\nSign off with "The Acme team".\n' });
    expect(agents.map((a) => a.name)).toEqual(['sales', 'billing', 'support']);
  });

  it('a dry run reports the changes and writes nothing', async () => {
    const t = await freshTenant();
    await importYaml(t, TWO_AGENTS);
    const before = await exportYaml(t);
    const res = await importYaml(t, 'agents:\n  - name: support\n    default: true\n    retrieval: false\n  - name: faq\n    tools: []\n', '?dryRun=1');
    expect(importResponseSchema.parse(await res.json())).toEqual({
      dryRun: true,
      changes: [
        { name: 'support', action: 'update', fields: ['retrieval', 'default'] },
        { name: 'faq', action: 'create', fields: ['tools'] },
      ],
    });
    expect(await exportYaml(t)).toBe(before);
  });

  it('accepts the same document as JSON', async () => {
    const t = await freshTenant();
    const res = await admin(t, '/v1/admin/agents/import', { method: 'POST', type: 'application/json', body: JSON.stringify({ agents: [{ name: 'sales', default: true, temperature: 1 }] }) });
    expect(res.status).toBe(200);
    expect((await agentsOf(t)).find((a) => a.isDefault)).toMatchObject({ name: 'sales', temperature: 1 });
  });

  it('is all or nothing: an error in the second agent leaves the first unwritten', async () => {
    const t = await freshTenant();
    const res = await importYaml(t, 'agents:\n  - name: fresh\n  - name: other\n    tools: [send_email]\n');
    expect(res.status).toBe(400);
    expect((await agentsOf(t)).map((a) => a.name)).toEqual(['support']);
  });

  it.each([
    ['agents:\n  - name: ok\n  - name: sales\n    temperature: 3\n', 'agents.1.temperature (agent sales): temperature must be between 0 and 2', 'agents.1.temperature'],
    ['agents:\n  - name: sales\n    retrieval: yes\n', 'agents.0.retrieval (agent sales): retrieval must be true or false', 'agents.0.retrieval'],
    ['agents:\n  - name: Sales Team\n', 'agents.0.name (agent Sales Team): name must be a lower-case slug', 'agents.0.name'],
    ['agents:\n  - name: a\n  - name: a\n', 'agents.1.name (agent a): a is also agents.0', 'agents.1.name'],
    ['agents:\n  - name: a\n    default: true\n  - name: b\n    default: true\n', 'only one agent can be the default', 'agents.1.default'],
    ['agents:\n  - name: a\n    colour: red\n', 'agents.0 (agent a): Unrecognized key: "colour"', 'agents.0'],
    ['agents: []\n', 'agents: agents is empty', 'agents'],
    ['- name: a\n', 'Invalid agents document', ''],
  ])('rejects %j with a 400 naming the agent and field', async (yaml, message, path) => {
    const t = await freshTenant();
    const res = await importYaml(t, yaml);
    expect(res.status).toBe(400);
    const { error } = errorBodySchema.parse(await res.json());
    expect(error.message).toContain(message);
    expect(error.issues?.[0]?.path).toBe(path);
  });

  it.each([
    ['agents:\n  - name: a\n    persona: "unterminated\n', 'Invalid YAML: Missing closing "quote at line 4, column 1'],
    ['agents:\n  - name: a\n    name: b\n', 'Invalid YAML: Map keys must be unique at line 3, column 5'],
    ['', 'empty'],
  ])('rejects bad YAML %j with a 400 that says where', async (yaml, message) => {
    const res = await importYaml(await freshTenant(), yaml);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.message).toContain(message);
  });

  it('rejects an alias bomb quickly with a 400', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `${levels.join('\n')}\nagents:\n  - name: x\n    persona: *i\n`;
    const started = Date.now();
    const res = await importYaml(await freshTenant(), bomb);
    expect(res.status).toBe(400);
    expect(errorBodySchema.parse(await res.json()).error.message).toContain('Excessive alias count');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('accepts a few aliases that share text between agents', async () => {
    const t = await freshTenant();
    const res = await importYaml(t, 'agents:\n  - name: a\n    instructions: &rules "Never promise refunds."\n  - name: b\n    instructions: *rules\n');
    expect(res.status).toBe(200);
    expect((await agentsOf(t)).filter((a) => a.instructions === 'Never promise refunds.').map((a) => a.name).sort()).toEqual(['a', 'b']);
  });

  it('rejects a body over the size limit with 413 and an unknown content type with 415', async () => {
    const t = await freshTenant();
    const big = `agents:\n  - name: a\n    persona: "${'x'.repeat(300_000)}"\n`;
    expect((await importYaml(t, big)).status).toBe(413);
    const form = await admin(t, '/v1/admin/agents/import', { method: 'POST', type: 'application/x-www-form-urlencoded', body: 'agents=a' });
    expect(form.status).toBe(415);
    expect(errorBodySchema.parse(await form.json()).error.message).toContain('application/yaml');
  });

  it('refuses to import "default: false" for the default agent without a replacement (409)', async () => {
    const t = await freshTenant();
    await importYaml(t, TWO_AGENTS);
    const res = await importYaml(t, 'agents:\n  - name: sales\n    default: false\n');
    expect(res.status).toBe(409);
    expect(errorBodySchema.parse(await res.json()).error.message).toContain('agents.0.default');
  });
});
