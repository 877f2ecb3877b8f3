/**
 * `@prex/protocol/client`: the one way to read an answer stream, zod-free so the widget pays no
 * bytes for schemas. `readAnswerStream` turns a fetch Response (or bytes) into typed events;
 * `reduceAnswer` folds them into the answer in progress. The widget, `prex eval agent`, the bench
 * and the tests all read answers through it.
 */

export { createSseParser, type SseMessage, type SseParser } from './sse-parser.js';
export { readSseMessages, type ByteSource, type SseReadOptions } from './sse-reader.js';
export { readAnswerStream, type AnswerReadOptions, type AnswerStreamEvent } from './answer-reader.js';
export {
  emptyAnswer,
  reduceAnswer,
  reduceAnswerChunk,
  type AnswerHandoff,
  type AnswerMeta,
  type AnswerState,
  type AnswerStatus,
  type AnswerToStaff,
} from './answer-state.js';
