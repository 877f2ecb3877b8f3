import type { AnalyticsResponse } from '@prex/protocol';

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
const field = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The per-day table of a report as CSV, with the cost columns when the report has them. */
export function analyticsCsv(report: AnalyticsResponse): string {
  const usage = new Map(report.usage?.days.map((d) => [d.day, d]));
  const head = ['day', 'conversations', 'ai_resolved', 'handed_over', 'unanswered', ...(report.usage ? ['model_calls', 'prompt_tokens', 'completion_tokens', 'cost_usd'] : [])];
  const lines = report.days.map((d) => {
    const u = usage.get(d.day);
    const cost = report.usage ? [u?.calls ?? 0, u?.promptTokens ?? 0, u?.completionTokens ?? 0, u?.costUsd ?? 0] : [];
    return [d.day, d.conversations, d.aiResolved, d.handedOver, d.unanswered, ...cost].map(field).join(',');
  });
  return [head.join(','), ...lines].join('\r\n') + '\r\n';
}

/** Saves the CSV as a file through the browser (no server round trip: the numbers are on the page). */
export function downloadCsv(report: AnalyticsResponse): void {
  const url = URL.createObjectURL(new Blob([analyticsCsv(report)], { type: 'text/csv' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: `prex-analytics-${report.from}-to-${report.to}.csv` });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
