import { describe, expect, it } from 'vitest';
import { foldUnchanged } from '../../../src/knowledge/versions/fold.js';
import { diffLines, splitLines, type LineChange } from '../../../src/knowledge/versions/line-diff.js';

/** The texts a diff stands between: the old one from same+del lines, the new one from same+add lines. */
function sides(changes: readonly LineChange[]): { before: string[]; after: string[] } {
  return {
    before: changes.filter((c) => c.op !== 'add').map((c) => c.text),
    after: changes.filter((c) => c.op !== 'del').map((c) => c.text),
  };
}

describe('diffLines', () => {
  it('marks a changed line as removed and added, and keeps the rest', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc')).toEqual([
      { op: 'same', text: 'a' },
      { op: 'del', text: 'b' },
      { op: 'add', text: 'B' },
      { op: 'same', text: 'c' },
    ]);
  });

  it('finds inserted and deleted lines in the middle (a longest common subsequence)', () => {
    const changes = diffLines('one\ntwo\nthree\nfour\nfive', 'one\nthree\nthree and a half\nfour\nfive\nsix');
    expect(changes.filter((c) => c.op !== 'same')).toEqual([
      { op: 'del', text: 'two' },
      { op: 'add', text: 'three and a half' },
      { op: 'add', text: 'six' },
    ]);
  });

  it('always stands between the two texts, even past its table bound (then not minimal)', () => {
    const before = Array.from({ length: 60 }, (_, i) => `line ${i % 7}`).join('\n');
    const after = Array.from({ length: 55 }, (_, i) => `line ${(i * 3) % 11}`).join('\n');
    for (const maxCells of [Infinity, 10]) {
      const { before: b, after: a } = sides(diffLines(before, after, maxCells));
      expect(b).toEqual(splitLines(before));
      expect(a).toEqual(splitLines(after));
    }
    // Minimal when the table fits: every line that can be kept is kept.
    const kept = diffLines('x\na\nb\nc\ny', 'z\na\nb\nc\nw').filter((c) => c.op === 'same').length;
    expect(kept).toBe(3);
  });

  it('treats CRLF and a final newline as the same lines; empty texts are all added or removed', () => {
    expect(diffLines('a\r\nb\r\n', 'a\nb')).toEqual([{ op: 'same', text: 'a' }, { op: 'same', text: 'b' }]);
    expect(diffLines('', 'a\nb')).toEqual([{ op: 'add', text: 'a' }, { op: 'add', text: 'b' }]);
    expect(diffLines('a', '')).toEqual([{ op: 'del', text: 'a' }]);
  });
});

describe('foldUnchanged', () => {
  it('keeps context lines around each change and folds longer unchanged runs', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l10', 'L10');
    const folded = foldUnchanged(diffLines(before, after), 2, 100);
    expect(folded).toEqual({
      changes: [
        { op: 'skip', count: 8 },
        { op: 'same', text: 'l8' },
        { op: 'same', text: 'l9' },
        { op: 'del', text: 'l10' },
        { op: 'add', text: 'L10' },
        { op: 'same', text: 'l11' },
        { op: 'same', text: 'l12' },
        { op: 'skip', count: 7 },
      ],
      added: 1,
      removed: 1,
      truncated: false,
    });
  });

  it('cuts at maxLines but counts every change', () => {
    const folded = foldUnchanged(diffLines('', Array.from({ length: 10 }, (_, i) => `n${i}`).join('\n')), 3, 4);
    expect(folded.changes).toHaveLength(4);
    expect(folded).toMatchObject({ added: 10, removed: 0, truncated: true });
  });
});
