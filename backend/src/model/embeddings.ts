import type { EmbeddingsConfig } from '../config.js';
import { openAIClient } from './gateway.js';
import { traceEmbeddings } from '../telemetry/spans.js';

/** Turns texts into vectors for the vector channel of retrieval (knowledge/search/vector.ts). */
export interface Embedder {
  model: string;
  dimensions: number;
  /** One vector per text, in order. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** Embeddings through the `openai` client: batched, with the client's bounded retries and backoff. */
export function createOpenAIEmbedder(config: EmbeddingsConfig): Embedder {
  const client = openAIClient(config);
  return {
    model: config.model,
    dimensions: config.dimensions,
    async embed(texts) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += config.batchSize) {
        const batch = texts.slice(i, i + config.batchSize);
        const response = await traceEmbeddings(config.model, batch.length, () => client.embeddings.create({ model: config.model, input: batch, dimensions: config.dimensions, encoding_format: 'float' }));
        const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        if (vectors.length !== batch.length) throw new Error(`embeddings endpoint returned ${vectors.length} vectors for ${batch.length} inputs`);
        for (const v of vectors) {
          if (v.length !== config.dimensions) {
            throw new Error(`embeddings endpoint returned ${v.length} dimensions; PREX_EMBEDDINGS_DIMENSIONS is ${config.dimensions}`);
          }
        }
        out.push(...vectors);
      }
      return out;
    },
  };
}
