import { citationToSourceChunk, type Answerer as AnswererKind, type Citation, type LabelSource, type MessageLabel, type UIStreamChunk } from '@prex/protocol';
import type { Answer } from '../llm/answerer.js';
import { passageToCitation } from '../llm/citations.js';
import type { ToolCallRecord } from '../tools/types.js';
import type { LiveAnswer } from './hub.js';

/** The one text part of an answer. */
export const TEXT_PART_ID = 't0';

/** The state of one run, so a failure at any step can close the stream and persist consistently. */
export class RunState {
  textOpen = false;
  answer: Answer | undefined;
  /** Who is speaking, once known (no model speaks for a handoff: that text is fixed). */
  answerer: AnswererKind | null = null;
  label: MessageLabel | undefined;
  labelSource: LabelSource | undefined;
  /** A handoff the visitor is asked to confirm: offering one again at the end would repeat it. */
  handoffProposed = false;
  readonly toolCalls: ToolCallRecord[] = [];
  /** Usage rows being written; awaited before the answer is persisted. */
  readonly pendingWrites: Array<Promise<void>> = [];
  /** When the run started, for the latency metrics. */
  readonly startedAt = process.hrtime.bigint();
  private textSent = false;

  /** `onFirstText` is told once, when the first text-delta goes out (the latency a visitor feels). */
  constructor(
    readonly live: LiveAnswer,
    private readonly onFirstText?: (state: RunState) => void,
  ) {}

  /** Seconds since the run started. */
  secondsSinceStart(): number {
    return Number(process.hrtime.bigint() - this.startedAt) / 1e9;
  }

  emit(chunk: UIStreamChunk): void {
    this.live.append(chunk);
  }

  emitMeta(meta: { answerer: AnswererKind; grounded: boolean; agent: string }): void {
    this.answerer = meta.answerer;
    this.emit({
      type: 'data-prex-meta',
      data: { sessionId: this.live.sessionId, userMessageId: this.live.userMessageId, ...meta, ...(this.label ? { label: this.label } : {}) },
    });
  }

  openText(): void {
    this.emit({ type: 'text-start', id: TEXT_PART_ID });
    this.textOpen = true;
  }

  emitText(delta: string): void {
    if (!delta) return;
    this.emit({ type: 'text-delta', id: TEXT_PART_ID, delta });
    if (this.textSent) return;
    this.textSent = true;
    this.onFirstText?.(this);
  }

  closeText(): void {
    if (!this.textOpen) return;
    this.emit({ type: 'text-end', id: TEXT_PART_ID });
    this.textOpen = false;
  }

  /** Sources of what was actually streamed; emitted once, after the text. */
  emitSources(): Citation[] {
    const citations = (this.answer?.citedPassages() ?? []).map(passageToCitation);
    for (const citation of citations) this.emit(citationToSourceChunk(citation));
    return citations;
  }
}
