import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { LlmConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Passage } from '../knowledge/passage.js';
import type { Answer, Answerer, AnswerRequest } from './answerer.js';
import { CitationRenumberer } from './citations.js';
import { buildMessages, buildPlainMessages } from './prompt.js';
import { relevantPassages } from './relevance.js';

/** Passages handed to the model: the relevant ones, best first. */
const MAX_PROMPT_PASSAGES = 5;

type ChunkIterator = AsyncIterator<ChatCompletionChunk>;

export function createOpenAIClient(llm: LlmConfig): OpenAI {
  return new OpenAI({ apiKey: llm.apiKey, baseURL: llm.baseUrl, timeout: llm.timeoutMs, maxRetries: 2 });
}

const contentOf = (chunk: ChatCompletionChunk): string => chunk.choices[0]?.delta?.content ?? '';

/** Reads until the first chunk with text; undefined when the stream ended without any. */
async function firstText(chunks: ChunkIterator): Promise<string | undefined> {
  for (;;) {
    const next = await chunks.next();
    if (next.done) return undefined;
    const text = contentOf(next.value);
    if (text) return text;
  }
}

/** An answer that produced nothing because the user stopped it before the model spoke. */
function stoppedBeforeText(): Answer {
  return { answerer: 'llm', grounded: true, deltas: (async function* () {})(), citedPassages: () => [] };
}

/**
 * The model's deltas with citation markers renumbered to match the sources sent. Ends quietly
 * when the user stops; a provider failure mid-text is rethrown after the text held back so far.
 */
async function* modelDeltas(first: string, chunks: ChunkIterator, renumberer: CitationRenumberer, signal: AbortSignal, log: Logger) {
  try {
    const head = renumberer.push(first);
    if (head) yield head;
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      if (next.value.usage) log.debug('llm usage', { ...next.value.usage });
      const text = renumberer.push(contentOf(next.value));
      if (text) yield text;
    }
  } catch (error) {
    if (signal.aborted) return;
    const tail = renumberer.flush();
    if (tail) yield tail;
    throw error;
  } finally {
    // Closes the HTTP response to the provider when we stop early.
    await chunks.return?.().catch(() => undefined);
  }
  const tail = renumberer.flush();
  if (tail) yield tail;
}

/**
 * Answers with an OpenAI-compatible chat model, grounded in the retrieved passages — or, when the
 * tenant turned retrieval off, as a plain chat (no passages, so every [n] marker is dropped).
 * Falls back to `fallback` (the extractive answerer) when nothing relevant was retrieved (the
 * model is not called) or when the provider fails before producing any text.
 */
export function createOpenAIAnswerer(client: OpenAI, model: string, fallback: Answerer, log: Logger): Answerer {
  async function openStream(request: AnswerRequest, passages: Passage[]): Promise<ChunkIterator> {
    const messages =
      request.retrieval === false ? buildPlainMessages(request.question, request.history) : buildMessages(request.question, passages, request.history);
    const stream = await client.chat.completions.create(
      { model, stream: true, stream_options: { include_usage: true }, messages },
      { signal: request.signal },
    );
    return stream[Symbol.asyncIterator]();
  }

  return {
    kind: 'llm',
    async answer(request) {
      const plain = request.retrieval === false;
      const passages = plain ? [] : relevantPassages(request.question, request.passages).slice(0, MAX_PROMPT_PASSAGES);
      if (passages.length === 0 && !plain) return fallback.answer({ ...request, passages: [] });

      let chunks: ChunkIterator | undefined;
      let first: string | undefined;
      try {
        chunks = await openStream(request, passages);
        first = await firstText(chunks);
      } catch (error) {
        await chunks?.return?.().catch(() => undefined);
        if (request.signal.aborted) return stoppedBeforeText();
        log.warn('llm failed before any text; answering extractively', { error: error instanceof Error ? error.message : String(error) });
        return fallback.answer({ ...request, passages });
      }
      if (first === undefined) {
        if (request.signal.aborted) return stoppedBeforeText();
        log.warn('llm returned no text; answering extractively');
        return fallback.answer({ ...request, passages });
      }

      const renumberer = new CitationRenumberer(passages.length);
      return {
        answerer: 'llm',
        grounded: !plain,
        deltas: modelDeltas(first, chunks, renumberer, request.signal, log),
        citedPassages: () => renumberer.citedPassageIndexes().map((i) => passages[i]!),
      };
    },
  };
}
