import { dayRangeSchema, USAGE_LIMITS, type DayRange } from '@prex/protocol';
import { parseInput } from '../http/validate.js';

const DAY_MS = 86_400_000;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The range a report covers: the days asked for, with the missing ends filled in (to = today in
 * UTC, from = USAGE_LIMITS.defaultRangeDays days up to `to`). A reversed or too long range is a 400.
 */
export function resolveDayRange(asked: { from?: string | undefined; to?: string | undefined }, now = new Date()): DayRange {
  const to = asked.to ?? isoDay(now.getTime());
  const from = asked.from ?? isoDay(Date.parse(to) - (USAGE_LIMITS.defaultRangeDays - 1) * DAY_MS);
  return parseInput(dayRangeSchema, { from, to }, 'date range');
}

/** The half-open instant range [start, end) in UTC that the day range covers, for SQL parameters. */
export function instantsOf(range: DayRange): { start: string; end: string } {
  return { start: `${range.from}T00:00:00.000Z`, end: new Date(Date.parse(range.to) + DAY_MS).toISOString() };
}
