import { parseDocument, stringify } from 'yaml';
import { AGENT_LIMITS, type AgentDocumentEntry, type AgentsDocument } from '@prex/protocol';
import { badRequest, HttpError } from '../http/errors.js';
import type { AgentRecord } from './agent.js';
import { settingsOf } from './repository.js';

/**
 * Agent settings as a YAML document (`agents:` list, the default marked `default: true`), and
 * the guarded YAML reader for imports. Only settings travel: ids, timestamps and persona drafts
 * belong to one tenant's database.
 */

/**
 * Aliases a document may hold. A few let an operator share one long instruction between agents;
 * the yaml package counts every node an alias expands to against it, so an alias "bomb" (aliases of
 * aliases, a billion laughs) fails fast instead of exhausting memory.
 */
const MAX_ALIAS_COUNT = 20;

const HEADER = 'Prex agents. Import with POST /v1/admin/agents/import (docs/agents.md).';

export function agentsToDocument(agents: readonly AgentRecord[]): AgentsDocument {
  return {
    agents: agents.map((agent): AgentDocumentEntry => ({ name: agent.name, ...(agent.isDefault ? { default: true } : {}), ...settingsOf(agent) })),
  };
}

export function agentsToYaml(agents: readonly AgentRecord[]): string {
  return `# ${HEADER}\n${stringify(agentsToDocument(agents), { lineWidth: 0 })}`;
}

/**
 * Reads an import body as YAML (JSON is YAML too). Syntax errors, duplicate keys and too many
 * aliases are 400s that say where; the result still has to pass the agents schema.
 */
export function readAgentsYaml(text: string): unknown {
  if (Buffer.byteLength(text, 'utf8') > AGENT_LIMITS.maxImportBytes) {
    throw new HttpError(413, 'payload_too_large', `The agents document is larger than ${AGENT_LIMITS.maxImportBytes} bytes`);
  }
  if (text.trim() === '') throw badRequest('The agents document is empty: send YAML with a top-level "agents:" list');
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) throw badRequest(`Invalid YAML: ${oneLine(problem.message)}`, [{ path: '', message: oneLine(problem.message) }]);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // toJS throws a ReferenceError for an alias bomb (or an alias to a missing anchor).
    const message = error instanceof Error ? error.message : String(error);
    throw badRequest(`Invalid YAML: ${oneLine(message)} (at most ${MAX_ALIAS_COUNT} alias expansions)`);
  }
}

/** The yaml package's pretty errors quote the line with a caret below; keep the first line. */
function oneLine(message: string): string {
  return message.split('\n')[0]!.trim().replace(/:$/, '');
}
