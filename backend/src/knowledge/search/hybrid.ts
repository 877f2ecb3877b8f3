/**
 * Reciprocal rank fusion (Cormack et al., 2009): each channel votes 1 / (k + rank) for its items
 * (rank from 1); the sum orders the fused list. Ranks, not scores, so BM25 and cosine distances
 * need no calibration against each other. k = 60 is the paper's constant: it flattens the head so
 * an item ranked well by both channels beats one ranked first by only one.
 */
export const RRF_K = 60;

/** How many candidates each channel hands to fusion: enough that fusion is not starved. */
export const CANDIDATES_PER_CHANNEL = 50;

export function reciprocalRankFusion(lists: readonly (readonly string[])[], k = RRF_K): string[] {
  const scores = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  let order = 0;
  for (const list of lists) {
    list.forEach((id, index) => {
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1));
      if (!firstSeen.has(id)) firstSeen.set(id, order++);
    });
  }
  return [...scores.entries()]
    .sort((a, b) => b[1] - a[1] || firstSeen.get(a[0])! - firstSeen.get(b[0])!)
    .map(([id]) => id);
}
