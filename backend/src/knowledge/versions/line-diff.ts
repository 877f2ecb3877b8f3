/**
 * What changed between two texts, line by line: the longest common subsequence of their lines,
 * everything else removed from the first or added in the second. Written here rather than taken
 * from a library (jsdiff and friends): the console needs lines only, and this is 60 lines with no
 * dependency to keep current.
 *
 * The common head and tail are cut first (an edit usually touches a few lines of a long document);
 * the LCS table of what remains is bounded by MAX_CELLS. Past it the middle is reported as removed
 * and re-added whole: still a true diff (applying it gives the new text), only not a minimal one.
 */

export type LineChange = { op: 'same' | 'add' | 'del'; text: string };

/** 4M cells of 2 bytes: 8 MB at most; min(n, m) ≤ 2000 lines then, so a length fits 16 bits. */
export const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
}

export function diffLines(before: string, after: string, maxCells = MAX_CELLS): LineChange[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const same = (text: string): LineChange => ({ op: 'same', text });
  const middle = middleChanges(a.slice(head, a.length - tail), b.slice(head, b.length - tail), maxCells);
  return [...a.slice(0, head).map(same), ...middle, ...a.slice(a.length - tail).map(same)];
}

function middleChanges(a: string[], b: string[], maxCells: number): LineChange[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > maxCells) {
    return [...a.map((text): LineChange => ({ op: 'del', text })), ...b.map((text): LineChange => ({ op: 'add', text }))];
  }
  // lcs[i][j]: the LCS length of a[i..] and b[j..], row-major in one array.
  const width = m + 1;
  const lcs = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i += 1;
      j += 1;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      out.push({ op: 'del', text: a[i]! });
      i += 1;
    } else {
      out.push({ op: 'add', text: b[j]! });
      j += 1;
    }
  }
  for (; i < n; i += 1) out.push({ op: 'del', text: a[i]! });
  for (; j < m; j += 1) out.push({ op: 'add', text: b[j]! });
  return out;
}
