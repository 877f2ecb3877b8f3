/**
 * What a user message is, decided by the configured model or, with none, by rules.
 * `human_request` (the user explicitly asks for a person) triggers a handoff. Without zod, so the
 * console can list them (the schema is in classification.ts).
 */
export const MESSAGE_LABELS = ['question', 'complaint', 'human_request', 'small_talk', 'abuse', 'other'] as const;
