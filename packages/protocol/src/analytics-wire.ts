/**
 * The console's Analytics route and limits, without zod: the console imports them through
 * '@prex/protocol/wire' (the schemas are in analytics.ts; the backend validates).
 */

export const ANALYTICS_ROUTES = {
  /** GET ?from=YYYY-MM-DD&to=YYYY-MM-DD (UTC days, both included; by default the last 30): how support is going. */
  analytics: '/v1/staff/analytics',
} as const;

export const ANALYTICS_LIMITS = {
  /** Questions listed as content gaps, most asked first. */
  contentGaps: 10,
  /** Rating comments listed, newest first. */
  recentComments: 10,
  /** Characters of a listed question or comment. */
  maxTextChars: 300,
} as const;
