// Writes docs/openapi.json from the protocol's zod schemas: `pnpm --filter @prex/backend openapi`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../src/openapi/document.js';
import { backendVersion } from '../src/openapi/routes.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

writeFileSync(OPENAPI_FILE, `${JSON.stringify(buildOpenApiDocument(backendVersion()), null, 2)}\n`);
console.log(`wrote ${OPENAPI_FILE}`);
