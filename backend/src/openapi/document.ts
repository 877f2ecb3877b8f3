import { z, type ZodType } from 'zod';
import { errorBodySchema } from '@prex/protocol';
import { OPERATIONS, type Caller, type Operation, type Reply } from './operations.js';

type Json = Record<string, unknown>;

/** An Express pattern as an OpenAPI path: `:id` and `*id` (a path that may hold slashes) become `{id}`. */
export function openApiPath(pattern: string): string {
  return pattern.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** JSON Schema 2020-12 (OpenAPI 3.1's own dialect) of a protocol schema, as a request or a response. */
function schemaOf(schema: ZodType, io: 'input' | 'output'): Json {
  // Refinements and transforms have no JSON Schema: their input or output shape is documented.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const SECURITY: Record<Exclude<Caller, 'public'>, Json[]> = {
  publishableKey: [{ publishableKey: [] }],
  visitor: [{ publishableKey: [], sessionToken: [] }],
  secretKey: [{ secretKey: [] }],
  staffSignIn: [],
  staffSession: [{ staffSession: [] }],
  twilioSignature: [{ twilioSignature: [] }],
  channelToken: [{ channelToken: [] }],
};

function replyContent(reply: Reply): Json | undefined {
  if (reply === 'empty') return undefined;
  if (reply === 'sse') return { 'text/event-stream': { schema: { type: 'string', description: 'AI SDK UI message stream: one JSON chunk per `data:` line, `[DONE]` last' } } };
  if (reply === 'ndjson') return { 'application/x-ndjson': { schema: { type: 'string' } } };
  if (reply === 'javascript') return { 'text/javascript': { schema: { type: 'string' } } };
  if (reply === 'html') return { 'text/html': { schema: { type: 'string' } } };
  if (reply === 'json') return { 'application/json': { schema: {} } };
  if (reply === 'twiml') return { 'text/xml': { schema: { type: 'string', description: 'TwiML (empty: the answer is sent by the REST API)' } } };
  return { 'application/json': { schema: schemaOf(reply, 'output') } };
}

/** Query schemas are objects: each property is one parameter. */
function queryParameters(query: ZodType | undefined): Json[] {
  if (!query) return [];
  const schema = schemaOf(query, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property }));
}

function pathParameters(pattern: string): Json[] {
  return [...pattern.matchAll(/([:*])([A-Za-z_][A-Za-z0-9_]*)/g)].map(([, kind, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    ...(kind === '*' ? { description: 'may contain slashes' } : {}),
  }));
}

function operationObject(operation: Operation): Json {
  const status = String(operation.status ?? 200);
  const content = replyContent(operation.reply);
  const parameters = [...pathParameters(operation.path), ...queryParameters(operation.query)];
  return {
    summary: operation.summary,
    ...(operation.caller === 'public' ? { security: [] } : { security: SECURITY[operation.caller] }),
    ...(parameters.length ? { parameters } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(operation.body, 'input') } } } } : {}),
    ...(operation.binaryBody ? { requestBody: { required: true, content: Object.fromEntries(operation.binaryBody.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) } } : {}),
    responses: {
      [status]: { description: 'Success', ...(content ? { content } : {}) },
      '4XX': { $ref: '#/components/responses/Error' },
    },
  };
}

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the protocol's zod schemas (never
 * written by hand): docs/openapi.json is this, written by `pnpm --filter @prex/backend openapi`,
 * and the server answers it at GET /openapi.json.
 */
export function buildOpenApiDocument(version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const operation of OPERATIONS) {
    const entry = (paths[openApiPath(operation.path)] ??= {});
    entry[operation.method] = operationObject(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Prex API',
      version,
      description: 'Public routes (publishable key, visitor session) serve the widget; /v1/admin routes take a tenant’s secret key.',
    },
    paths,
    components: {
      securitySchemes: {
        publishableKey: { type: 'apiKey', in: 'header', name: 'x-prex-key', description: 'The tenant’s publishable key (pk_…); the page’s Origin must be allowed' },
        sessionToken: { type: 'http', scheme: 'bearer', description: 'The visitor session token from POST /v1/sessions' },
        secretKey: { type: 'http', scheme: 'bearer', description: 'The tenant’s secret key (sk_…)' },
        staffSession: { type: 'apiKey', in: 'cookie', name: 'prex_staff', description: 'A staff sign-in session (POST /v1/staff/login); POST, PATCH and DELETE also need the x-prex-csrf header from GET /v1/staff/me' },
        twilioSignature: { type: 'apiKey', in: 'header', name: 'X-Twilio-Signature', description: 'Twilio’s signature of the request with the tenant’s auth token' },
        channelToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An HS256 JWT the tenant’s gateway signs with its channel secret: iss the tenant id, aud "prex-channels-api", iat and exp at most 10 minutes apart (docs/channels-api.md)' },
      },
      responses: {
        Error: { description: 'The request was refused; the message says how to fix it', content: { 'application/json': { schema: schemaOf(errorBodySchema, 'output') } } },
      },
    },
  };
}
