import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_ROUTES,
  AGENT_LIMITS,
  STAFF_AGENT_ROUTES as R,
  STAFF_CSRF_HEADER,
  STAFF_INBOX_ROUTES,
  agentListResponseSchema,
  agentResponseSchema,
  importResponseSchema,
  inboxAgentsResponseSchema,
  personaDraftResponseSchema,
  type AgentResponse,
} from '@prex/protocol';
import { createSession } from '../../src/conversations/sessions.js';
import { newId } from '../../src/ids.js';
import { readJson, type TestApp, type TestTenant } from '../helpers/app.js';
import { startStaffWorkspaces, type StaffBrowser } from '../helpers/staff.js';

/**
 * The console's Agents page through the staff API: every role reads, owners and admins change,
 * with the admin agent API's own services (what one writes, the other reads), and every route
 * serves the signed-in staff member's own workspace only.
 */

let a: TestApp;
let owner: StaffBrowser;
let admin: StaffBrowser;
let agent: StaffBrowser;
let other: TestTenant;
let otherOwner: StaffBrowser;

beforeAll(async () => {
  ({ app: a, owner, admin, agent, other, otherOwner } = await startStaffWorkspaces('agents'));
}, 60_000);

afterAll(async () => {
  await a?.close();
});

const named = (template: string, name: string) => template.replace(':name', encodeURIComponent(name));
const adminGet = (tenant: TestTenant, path: string) => fetch(`${a.url}${path}`, { headers: { authorization: `Bearer ${tenant.secretKey}` } });

/** POST …/import with a YAML body, as the console sends a file or a paste. */
function postYaml(staff: StaffBrowser, yaml: string, query = ''): Promise<Response> {
  return fetch(`${a.url}${R.import}${query}`, {
    method: 'POST',
    headers: { cookie: `prex_staff=${staff.cookie}`, [STAFF_CSRF_HEADER]: staff.csrfToken!, 'content-type': 'application/yaml' },
    body: yaml,
  });
}

async function agentNamed(staff: StaffBrowser, name: string): Promise<AgentResponse> {
  const res = await staff.call('GET', named(R.agent, name));
  expect(res.status).toBe(200);
  return agentResponseSchema.parse(await res.json());
}

describe('staff agents: reading', () => {
  it('every role lists the agents, the default first (made on the first look), in the inbox filter’s shape too', async () => {
    for (const staff of [owner, admin, agent]) {
      const res = await staff.call('GET', R.agents);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const { agents } = agentListResponseSchema.parse(await res.json());
      expect(agents[0]).toMatchObject({ name: 'support', isDefault: true });
    }
    // The inbox's agent filter reads the same route with its own (narrower) schema.
    const inbox = inboxAgentsResponseSchema.parse(await readJson(await agent.call('GET', STAFF_INBOX_ROUTES.agents)));
    expect(inbox.agents[0]).toMatchObject({ id: expect.stringMatching(/^agt_/), name: 'support' });
  });

  it('signed out: 401', async () => {
    expect((await fetch(`${a.url}${R.agents}`)).status).toBe(401);
    expect((await fetch(`${a.url}${R.export}`)).status).toBe(401);
  });
});

describe('staff agents: roles', () => {
  it('an agent reads but gets 403 from every change, and nothing changes', async () => {
    const calls: Array<[string, string, unknown]> = [
      ['POST', R.agents, { name: 'sales' }],
      ['PATCH', named(R.agent, 'support'), { persona: 'Agent was here' }],
      ['DELETE', named(R.agent, 'support'), undefined],
      ['POST', named(R.personaDraft, 'support'), undefined],
      ['POST', named(R.applyPersonaDraft, 'support'), undefined],
    ];
    for (const [method, path, body] of calls) {
      const res = await agent.call(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await readJson(res)).error.message).toMatch(/needs the owner or admin role; your account's role is agent/);
    }
    expect((await postYaml(agent, 'agents:\n  - name: support\n    persona: Agent was here\n')).status).toBe(403);
    expect((await agentNamed(agent, 'support')).persona).not.toBe('Agent was here');
    expect((await agent.call('GET', named(R.personaDraft, 'support'))).status).toBe(200);
  });

  it('without the CSRF token nothing changes', async () => {
    const res = await owner.call('PATCH', named(R.agent, 'support'), { persona: 'No token' }, { csrf: null });
    expect(res.status).toBe(403);
    expect((await agentNamed(owner, 'support')).persona).not.toBe('No token');
  });
});

describe('staff agents: editing', () => {
  it('an admin creates and edits an agent; the admin API reads the same agent', async () => {
    const created = await admin.call('POST', R.agents, { name: 'sales', persona: 'Upbeat.', tools: ['search_products'] });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/staff/agents/sales');

    const patched = await admin.call('PATCH', named(R.agent, 'sales'), { instructions: 'Mention the annual plan.', temperature: 0.4, retrieval: false, knowledgeFilter: { tags: ['pricing'] } });
    expect(patched.status).toBe(200);
    expect(agentResponseSchema.parse(await patched.json())).toMatchObject({ name: 'sales', persona: 'Upbeat.', instructions: 'Mention the annual plan.', temperature: 0.4, retrieval: false, knowledgeFilter: { tags: ['pricing'] }, tools: ['search_products'] });

    const viaAdmin = agentResponseSchema.parse(await readJson(await adminGet(a, named(AGENT_ROUTES.agent, 'sales'))));
    expect(viaAdmin).toMatchObject({ instructions: 'Mention the annual plan.', temperature: 0.4 });

    const deleted = await owner.call('DELETE', named(R.agent, 'sales'));
    expect(deleted.status).toBe(204);
    expect((await owner.call('GET', named(R.agent, 'sales'))).status).toBe(404);
  });

  it('bad input is a 400 that names the field in words', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ temperature: 3 }, /temperature must be between 0 and 2/],
      [{ persona: 'x'.repeat(AGENT_LIMITS.maxPersonaChars + 1) }, /persona is longer than 4000 characters/],
      [{ tools: ['delete_everything'] }, /unknown tool "delete_everything"/],
      [{ retrieval: 'yes' }, /retrieval must be true or false/],
      [{ colour: 'blue' }, /colour/],
    ];
    for (const [body, message] of cases) {
      const res = await owner.call('PATCH', named(R.agent, 'support'), body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      const { error } = await readJson(res);
      expect(`${error.message} ${JSON.stringify(error.issues ?? [])}`).toMatch(message);
    }
    const badName = await owner.call('POST', R.agents, { name: 'Sales Team' });
    expect(badName.status).toBe(400);
    expect((await readJson(badName)).error.issues[0].message).toMatch(/lower-case slug/);
    expect((await owner.call('GET', named(R.agent, 'Not A Slug'))).status).toBe(400);
    expect((await owner.call('GET', named(R.agent, 'nobody'))).status).toBe(404);
  });
});

describe('staff agents: YAML', () => {
  it('exports a download, and an edited document imports back (dry run first, then for real)', async () => {
    const exported = await agent.call('GET', R.export);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="agents.yaml"');
    const yaml = await exported.text();
    expect(yaml).toMatch(/name: support/);

    const edited = yaml.replace(/persona: .*\n/, 'persona: Round trip persona\n');
    expect(edited).not.toBe(yaml);
    const dry = importResponseSchema.parse(await readJson(await postYaml(owner, edited, '?dryRun=1')));
    expect(dry).toMatchObject({ dryRun: true, changes: [{ name: 'support', action: 'update', fields: ['persona'] }] });
    expect((await agentNamed(owner, 'support')).persona).not.toBe('Round trip persona');

    const real = await postYaml(owner, edited);
    expect(real.status).toBe(200);
    expect(importResponseSchema.parse(await real.json()).dryRun).toBe(false);
    expect((await agentNamed(owner, 'support')).persona).toBe('Round trip persona');
  });

  it('a bad document is a 400 naming the agent and the field; broken YAML says so', async () => {
    const bad = await postYaml(owner, 'agents:\n  - name: support\n    temperature: 9\n');
    expect(bad.status).toBe(400);
    const { error } = await readJson(bad);
    expect(error.message).toBe('Invalid agents document: agents.0.temperature (agent support): temperature must be between 0 and 2');
    expect(error.issues).toEqual([{ path: 'agents.0.temperature', message: 'temperature must be between 0 and 2' }]);

    const broken = await postYaml(owner, 'agents: [\n  - name: support\n');
    expect(broken.status).toBe(400);
    expect((await readJson(broken)).error.message).toMatch(/^Invalid YAML: /);

    const tooBig = await postYaml(owner, `agents:\n  - name: support\n    persona: "${'x'.repeat(AGENT_LIMITS.maxImportBytes)}"\n`);
    expect(tooBig.status).toBe(413);
  });
});

describe('staff agents: persona drafts', () => {
  it('drafts from the team’s replies, shows the draft, and applies it only when asked', async () => {
    const session = await createSession(a.db, a.tenant.id);
    for (const text of ["Hi Anna,\n\nThanks for reaching out! Refunded.\n\nCheers,\nSam", "Hi Tom,\n\nHappy to help! Done.\n\nCheers,\nSam"]) {
      await a.db.query(`insert into messages (id, tenant_id, session_id, role, text, status, author) values ($1, $2, $3, 'assistant', $4, 'complete', 'human')`, [newId('msg'), a.tenant.id, session.id, text]);
    }
    const before = (await agentNamed(owner, 'support')).persona;
    const drafted = await admin.call('POST', named(R.personaDraft, 'support'));
    expect(drafted.status).toBe(201);
    const { draft } = personaDraftResponseSchema.parse(await drafted.json());
    expect(draft).toMatchObject({ source: 'rules', basedOnReplies: 2 });

    // Pending, visible to every role, and the persona unchanged until applied.
    expect(personaDraftResponseSchema.parse(await readJson(await agent.call('GET', named(R.personaDraft, 'support')))).draft?.text).toBe(draft!.text);
    expect((await agentNamed(owner, 'support')).persona).toBe(before);

    const applied = agentResponseSchema.parse(await readJson(await admin.call('POST', named(R.applyPersonaDraft, 'support'))));
    expect(applied.persona).toBe(draft!.text);
    expect(applied.personaDraft).toBeNull();
  });

  it('another workspace without replies gets a 409 in words', async () => {
    const res = await otherOwner.call('POST', named(R.personaDraft, 'support'));
    expect(res.status).toBe(409);
    expect((await readJson(res)).error.message).toMatch(/No human replies/);
  });
});

describe('staff agents: tenant isolation', () => {
  it('staff of another workspace neither see nor change this one’s agents', async () => {
    await owner.call('POST', R.agents, { name: 'secret-agent', persona: 'Only for Acme' });
    const theirs = agentListResponseSchema.parse(await readJson(await otherOwner.call('GET', R.agents))).agents;
    expect(theirs.map((x) => x.name)).toEqual(['support']);
    const mine = agentListResponseSchema.parse(await readJson(await owner.call('GET', R.agents))).agents;
    expect(theirs.some((x) => mine.some((y) => y.id === x.id))).toBe(false);

    expect((await otherOwner.call('GET', named(R.agent, 'secret-agent'))).status).toBe(404);
    expect((await otherOwner.call('PATCH', named(R.agent, 'secret-agent'), { persona: 'stolen' })).status).toBe(404);
    expect((await otherOwner.call('DELETE', named(R.agent, 'secret-agent'))).status).toBe(404);
    expect((await otherOwner.call('GET', named(R.personaDraft, 'secret-agent'))).status).toBe(404);
    expect(await (await otherOwner.call('GET', R.export)).text()).not.toContain('secret-agent');

    // Their import of the same name makes their own agent; Acme's stays as it was.
    expect((await postYaml(otherOwner, 'agents:\n  - name: secret-agent\n    persona: Theirs\n')).status).toBe(200);
    expect((await agentNamed(owner, 'secret-agent')).persona).toBe('Only for Acme');
    // Their edit of their own default leaves Acme's default alone.
    await otherOwner.call('PATCH', named(R.agent, 'support'), { persona: 'Other default' });
    expect((await agentNamed(owner, 'support')).persona).not.toBe('Other default');
  });
});
