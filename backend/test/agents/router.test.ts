import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentListResponseSchema, agentResponseSchema, errorBodySchema, type AgentResponse } from '@prex/protocol';
import { resolveAgent } from '../../src/agents/repository.js';
import { retrievalEnabled, setRetrievalEnabled } from '../../src/knowledge/search/settings.js';
import { makeTenant, readJson, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp();
}, 60_000);
afterAll(() => app?.close());

/** An admin request with a tenant's secret key (the app's tenant unless another is given). */
function admin(path: string, init: { method?: string; body?: unknown; tenant?: TestTenant; raw?: string; type?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${(init.tenant ?? app).secretKey}` };
  if (init.body !== undefined || init.raw !== undefined) headers['content-type'] = init.type ?? 'application/json';
  return app.request(path, { method: init.method ?? 'GET', headers, ...(init.raw !== undefined ? { body: init.raw } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
}

async function agentOf(res: Response): Promise<AgentResponse> {
  return agentResponseSchema.parse(await res.json());
}

async function errorOf(res: Response) {
  return errorBodySchema.parse(await res.json()).error;
}

async function freshTenant(): Promise<TestTenant> {
  return makeTenant(app.db, `Tenant ${Math.random().toString(36).slice(2, 8)}`);
}

describe('the default agent', () => {
  it('is created on first use as "support", with all tools and retrieval on', async () => {
    const t = await freshTenant();
    const res = await admin('/v1/admin/agents', { tenant: t });
    expect(res.status).toBe(200);
    const { agents } = agentListResponseSchema.parse(await res.json());
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({
      name: 'support',
      isDefault: true,
      persona: '',
      model: null,
      temperature: null,
      retrieval: true,
      knowledgeFilter: { tags: [] },
      tools: ['lookup_customer', 'search_products', 'handoff_to_human'],
      personaDraft: null,
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('carries over the tenant’s old retrieval switch (tenants.agent.retrieval)', async () => {
    const t = await freshTenant();
    await app.db.query(`update tenants set agent = agent || '{"retrieval": false}'::jsonb where id = $1`, [t.tenant.id]);
    const agent = await resolveAgent(app.db, t.tenant.id);
    expect(agent).toMatchObject({ name: 'support', isDefault: true, retrieval: false, tenantId: t.tenant.id });
    // Resolving again returns the same row, not a second default.
    expect((await resolveAgent(app.db, t.tenant.id)).id).toBe(agent.id);
  });

  it('resolveAgent by name returns that agent; an unknown name is a 404 naming it', async () => {
    const t = await freshTenant();
    await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'sales', persona: 'Upbeat.' } });
    expect(await resolveAgent(app.db, t.tenant.id, 'sales')).toMatchObject({ name: 'sales', persona: 'Upbeat.', isDefault: true });
    await expect(resolveAgent(app.db, t.tenant.id, 'billing')).rejects.toMatchObject({ status: 404, message: expect.stringContaining('"billing"') });
  });

  it('the old retrieval switch functions act on the default agent', async () => {
    const t = await freshTenant();
    expect(await retrievalEnabled(app.db, t.tenant.id)).toBe(true);
    await setRetrievalEnabled(app.db, t.tenant.id, false);
    expect((await resolveAgent(app.db, t.tenant.id)).retrieval).toBe(false);
    expect(await retrievalEnabled(app.db, t.tenant.id)).toBe(false);
    // An operator switching it on through the agent is what the switch reports.
    await admin('/v1/admin/agents/support', { tenant: t, method: 'PATCH', body: { retrieval: true } });
    expect(await retrievalEnabled(app.db, t.tenant.id)).toBe(true);
  });
});

describe('CRUD', () => {
  it('creates, reads, patches and deletes an agent', async () => {
    const t = await freshTenant();
    const created = await admin('/v1/admin/agents', {
      tenant: t,
      method: 'POST',
      body: { name: 'sales', persona: 'Friendly.', instructions: 'Mention the trial.', model: 'gpt-4o-mini', temperature: 0.7, retrieval: false, knowledgeFilter: { tags: ['Pricing', 'plans'] }, tools: ['search_products'] },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/admin/agents/sales');
    const sales = await agentOf(created);
    expect(sales).toMatchObject({ name: 'sales', temperature: 0.7, model: 'gpt-4o-mini', knowledgeFilter: { tags: ['pricing', 'plans'] }, tools: ['search_products'] });
    // The first agent of a tenant is its default.
    expect(sales.isDefault).toBe(true);

    const patched = await agentOf(await admin('/v1/admin/agents/sales', { tenant: t, method: 'PATCH', body: { temperature: null, persona: 'Warm.' } }));
    expect(patched).toMatchObject({ temperature: null, persona: 'Warm.', instructions: 'Mention the trial.', model: 'gpt-4o-mini' });

    expect(await agentOf(await admin('/v1/admin/agents/sales', { tenant: t }))).toMatchObject({ persona: 'Warm.' });
    const other = await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'support' } });
    expect(other.status).toBe(201);
    expect((await agentOf(other)).isDefault).toBe(false);

    expect((await admin('/v1/admin/agents/support', { tenant: t, method: 'DELETE' })).status).toBe(204);
    expect((await admin('/v1/admin/agents/support', { tenant: t })).status).toBe(404);
  });

  it('refuses a duplicate name with 409', async () => {
    const t = await freshTenant();
    await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'sales' } });
    const res = await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'sales' } });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toContain('"sales" already exists');
  });

  it('answers 404 naming an unknown agent', async () => {
    const res = await admin('/v1/admin/agents/nobody', { method: 'PATCH', body: { persona: 'x' } });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).message).toContain('"nobody"');
  });

  it.each([
    [{ name: 'Sales' }, 'name', 'lower-case slug'],
    [{ name: '-sales' }, 'name', 'lower-case slug'],
    [{ name: 'x'.repeat(41) }, 'name', 'longer than 40'],
    [{ name: 'export' }, 'name', 'reserved'],
    [{ name: 'a', temperature: 2.5 }, 'temperature', 'between 0 and 2'],
    [{ name: 'a', temperature: '0.5' }, 'temperature', 'must be a number'],
    [{ name: 'a', tools: ['send_email'] }, 'tools.0', 'unknown tool "send_email"'],
    [{ name: 'a', tools: ['search_products', 'search_products'] }, 'tools', 'twice'],
    [{ name: 'a', persona: 'p'.repeat(4001) }, 'persona', 'longer than 4000'],
    [{ name: 'a', instructions: 'i'.repeat(4001) }, 'instructions', 'longer than 4000'],
    [{ name: 'a', model: 'm'.repeat(101) }, 'model', 'longer than 100'],
    [{ name: 'a', retrieval: 'yes' }, 'retrieval', 'true or false'],
    [{ name: 'a', knowledgeFilter: { tags: ['bad tag!'] } }, 'knowledgeFilter.tags.0', 'letters, digits'],
    [{ name: 'a', colour: 'red' }, '', 'colour'],
  ])('rejects %j with a 400 naming %s', async (body, path, message) => {
    const res = await admin('/v1/admin/agents', { method: 'POST', body });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.issues?.[0]?.path).toBe(path);
    expect(error.message).toContain(message);
  });

  it('rejects a non-JSON body and a malformed name in the path with 400', async () => {
    const text = await admin('/v1/admin/agents', { method: 'POST', raw: 'name=sales', type: 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(400);
    expect((await errorOf(text)).message).toContain('Content-Type: application/json');
    const bad = await admin('/v1/admin/agents/Not%20A%20Slug');
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toContain('agent name in the path');
  });
});

describe('default rules', () => {
  it('making an agent the default unsets the old one', async () => {
    const t = await freshTenant();
    await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'support' } });
    const sales = await agentOf(await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'sales', isDefault: true } }));
    expect(sales.isDefault).toBe(true);
    const { agents } = agentListResponseSchema.parse(await (await admin('/v1/admin/agents', { tenant: t })).json());
    expect(agents.filter((a) => a.isDefault).map((a) => a.name)).toEqual(['sales']);
    expect((await resolveAgent(app.db, t.tenant.id)).name).toBe('sales');

    const back = await agentOf(await admin('/v1/admin/agents/support', { tenant: t, method: 'PATCH', body: { isDefault: true } }));
    expect(back.isDefault).toBe(true);
    expect((await resolveAgent(app.db, t.tenant.id)).name).toBe('support');
  });

  it('refuses to unset or delete the default without a successor (409), and deletes it with one', async () => {
    const t = await freshTenant();
    await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'support' } });
    await admin('/v1/admin/agents', { tenant: t, method: 'POST', body: { name: 'sales' } });

    const unset = await admin('/v1/admin/agents/support', { tenant: t, method: 'PATCH', body: { isDefault: false } });
    expect(unset.status).toBe(409);
    expect((await errorOf(unset)).message).toContain('make another agent the default');

    const refused = await admin('/v1/admin/agents/support', { tenant: t, method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toContain('newDefault');
    expect((await admin('/v1/admin/agents/support?newDefault=nobody', { tenant: t, method: 'DELETE' })).status).toBe(404);
    expect((await admin('/v1/admin/agents/support?newDefault=support', { tenant: t, method: 'DELETE' })).status).toBe(409);
    expect((await resolveAgent(app.db, t.tenant.id)).name).toBe('support');

    expect((await admin('/v1/admin/agents/support?newDefault=sales', { tenant: t, method: 'DELETE' })).status).toBe(204);
    const { agents } = agentListResponseSchema.parse(await (await admin('/v1/admin/agents', { tenant: t })).json());
    expect(agents.map((a) => [a.name, a.isDefault])).toEqual([['sales', true]]);
  });

  it('concurrent first uses create one default agent', async () => {
    const t = await freshTenant();
    const agents = await Promise.all(Array.from({ length: 5 }, () => resolveAgent(app.db, t.tenant.id)));
    expect(new Set(agents.map((a) => a.id)).size).toBe(1);
  });
});

describe('tenant isolation', () => {
  it('another tenant’s secret key sees, reads, changes and deletes none of these agents', async () => {
    const owner = await freshTenant();
    const other = await freshTenant();
    await admin('/v1/admin/agents', { tenant: owner, method: 'POST', body: { name: 'sales', persona: 'Owner persona' } });

    const list = agentListResponseSchema.parse(await (await admin('/v1/admin/agents', { tenant: other })).json());
    expect(list.agents.map((a) => a.name)).toEqual(['support']);
    expect(list.agents.some((a) => a.persona === 'Owner persona')).toBe(false);
    expect((await admin('/v1/admin/agents/sales', { tenant: other })).status).toBe(404);
    expect((await admin('/v1/admin/agents/sales', { tenant: other, method: 'PATCH', body: { persona: 'hijacked' } })).status).toBe(404);
    expect((await admin('/v1/admin/agents/sales', { tenant: other, method: 'DELETE' })).status).toBe(404);
    await expect(resolveAgent(app.db, other.tenant.id, 'sales')).rejects.toMatchObject({ status: 404 });
    // The other tenant may use the same name for its own agent.
    expect((await admin('/v1/admin/agents', { tenant: other, method: 'POST', body: { name: 'sales' } })).status).toBe(201);

    expect(await agentOf(await admin('/v1/admin/agents/sales', { tenant: owner }))).toMatchObject({ persona: 'Owner persona' });
  });

  it('needs the secret key: none or the publishable key is a 401', async () => {
    expect((await app.request('/v1/admin/agents')).status).toBe(401);
    const pk = await app.request('/v1/admin/agents', { headers: { authorization: `Bearer ${app.publishableKey}` } });
    expect(pk.status).toBe(401);
    expect((await readJson(pk)).error.message).toContain('secret key');
  });
});
