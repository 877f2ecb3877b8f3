import type { DiffChange } from '@prex/protocol';
import type { LineChange } from './line-diff.js';

export interface FoldedDiff {
  changes: DiffChange[];
  added: number;
  removed: number;
  truncated: boolean;
}

/**
 * A diff as a reader wants it: each change with `context` unchanged lines around it, longer
 * unchanged runs folded into one `skip`, and at most `maxLines` entries (the counts still cover all).
 */
export function foldUnchanged(lines: readonly LineChange[], context: number, maxLines: number): FoldedDiff {
  const near = new Uint8Array(lines.length);
  lines.forEach((line, i) => {
    if (line.op === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k += 1) near[k] = 1;
  });
  const changes: DiffChange[] = [];
  let skipped = 0;
  for (const [i, line] of lines.entries()) {
    if (line.op === 'same' && !near[i]) {
      skipped += 1;
      continue;
    }
    if (skipped > 0) changes.push({ op: 'skip', count: skipped });
    skipped = 0;
    changes.push(line);
  }
  if (skipped > 0) changes.push({ op: 'skip', count: skipped });
  return {
    changes: changes.slice(0, maxLines),
    added: lines.filter((l) => l.op === 'add').length,
    removed: lines.filter((l) => l.op === 'del').length,
    truncated: changes.length > maxLines,
  };
}
