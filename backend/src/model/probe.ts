import { openAIClient, type ModelEndpoint } from './gateway.js';

/** What the endpoint said when asked for its models. */
export interface ModelEndpointProbe {
  /** Whether `model` is among the ids it lists (some gateways list only part of what they serve). */
  listed: boolean;
  models: number;
}

/**
 * Lists the endpoint's models (GET /models): it answers, and the key is accepted, without a
 * completion that costs tokens. One attempt, within `timeoutMs`.
 */
export async function probeModelEndpoint(endpoint: ModelEndpoint, model: string, timeoutMs: number): Promise<ModelEndpointProbe> {
  const client = openAIClient({ ...endpoint, timeoutMs, maxRetries: 0 });
  const page = await client.models.list({ timeout: timeoutMs, maxRetries: 0 });
  return { listed: page.data.some((m) => m.id === model), models: page.data.length };
}
