/**
 * Questions the demo knowledge base answers (grounded), asked in rotation. Only grounded ones: for
 * an ungrounded question Prex skips the model, so a model run would measure the extractive path.
 */
export const DEMO_QUESTIONS = [
  'How do I request a refund?',
  'How do I reset my password?',
  'How do I export my notes?',
  'How much does the Plus plan cost?',
  'How does sync work?',
  'How do I turn on two-factor authentication?',
  'How do I share a note with a link?',
  'Why is the app slow?',
] as const;
