import express, { type Request, type RequestHandler } from 'express';
import { AGENT_LIMITS, agentNameSchema } from '@prex/protocol';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { parseInput } from '../http/validate.js';
import { assertValidText, withTextGuard } from '../http/text-guard.js';
import { readAgentsYaml } from './yaml.js';

/** What the admin (secret key) and staff (console) agent routes read from a request alike. */

/** Content types POST …/import reads as YAML text (JSON bodies go through the JSON parser). */
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

/** Reads a YAML import body as text, up to the import's size limit. */
export const yamlBody: RequestHandler = withTextGuard(express.text({ type: YAML_TYPES, limit: AGENT_LIMITS.maxImportBytes }));

const importQuerySchema = z.object({
  dryRun: z.enum(['1', 'true', '0', 'false'], { error: 'dryRun must be 1, true, 0 or false' }).optional(),
});

/** ?dryRun=1 (or true): compute the changes, write nothing. */
export function isDryRun(req: Request): boolean {
  const query = parseInput(importQuerySchema, req.query, 'import query');
  return query.dryRun === '1' || query.dryRun === 'true';
}

export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** The :name path parameter, validated like a name in a body (a 400 rather than a puzzling 404). */
export function nameParam(req: Request): string {
  return parseInput(agentNameSchema, String(req.params.name), 'agent name in the path');
}

/** The import body: YAML text, or an already parsed JSON body. */
export function importBody(req: Request): unknown {
  if (typeof req.body === 'string') {
    // YAML escapes ("\0", "\ud800") make text the raw body never held: the rule applies to the result too.
    const document = readAgentsYaml(req.body);
    assertValidText(document, 'body');
    return document;
  }
  if (req.is('application/json') && req.body !== undefined) return req.body;
  const type = req.get('content-type');
  throw new HttpError(
    415,
    'unsupported_media_type',
    `Send the agents document as YAML (Content-Type: application/yaml) or JSON (application/json)${type ? `, not ${type}` : ''}`,
  );
}
