import type { Db } from '../db/db.js';

export interface AgentPrompt {
  id: string;
  name: string;
  isDefault: boolean;
  persona: string;
  instructions: string;
}

/** The tenant's agents with what goes into their system prompt (a tenant has at most a few dozen). */
export async function agentPrompts(db: Db, tenantId: string): Promise<AgentPrompt[]> {
  const rows = await db.query<{ id: string; name: string; is_default: boolean; persona: string; instructions: string }>(
    'select id, name, is_default, persona, instructions from agents where tenant_id = $1 order by name',
    [tenantId],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, isDefault: r.is_default, persona: r.persona, instructions: r.instructions }));
}
