import { readFileSync } from 'node:fs';
import type { RequestHandler } from 'express';
import { buildOpenApiDocument } from './document.js';

/** backend/package.json, from src/openapi or dist/openapi. */
export function backendVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** GET /openapi.json: the document, built on the first request and kept. */
export function openApiHandler(): RequestHandler {
  let body: string | undefined;
  return (_req, res) => {
    body ??= JSON.stringify(buildOpenApiDocument(backendVersion()));
    res.type('application/json').set('cache-control', 'public, max-age=300').send(body);
  };
}
