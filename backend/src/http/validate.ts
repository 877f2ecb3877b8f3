import type { z } from 'zod';
import { badRequest } from './errors.js';

/** Parses input from outside with a schema; failure is a 400 listing each problem by field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = issues[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid';
  throw badRequest(`Invalid ${what}: ${summary}`, issues);
}

/**
 * Parses a JSON request body. Express leaves req.body undefined when the request had no body or a
 * non-JSON Content-Type; say so instead of reporting every field as missing.
 */
export function parseJsonBody<S extends z.ZodType>(schema: S, req: { body?: unknown; get(name: string): string | undefined }, what: string): z.output<S> {
  if (req.body === undefined) {
    const type = req.get('content-type');
    throw badRequest(`Expected a JSON body with Content-Type: application/json${type ? ` (got ${type})` : ''}`);
  }
  return parseInput(schema, req.body, what);
}
