/**
 * A minimal line diff (longest common subsequence) for small text files such as FLEET.md: the
 * changed lines only, grouped in hunks, each hunk titled by the nearest Markdown heading above it.
 */

export interface LineHunk {
  /** The last `#` heading before the hunk in the new text (or the old one), '' if none. */
  readonly heading: string;
  readonly lines: readonly { readonly op: '-' | '+'; readonly text: string }[];
}

export function diffLines(oldText: string, newText: string): LineHunk[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const hunks: LineHunk[] = [];
  let current: { op: '-' | '+'; text: string }[] | undefined;
  let heading = '';
  let i = 0;
  let j = 0;
  const open = () => {
    if (!current) {
      current = [];
      hunks.push({ heading, lines: current });
    }
    return current;
  };
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      if (a[i]!.startsWith('#')) heading = a[i]!;
      current = undefined;
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      open().push({ op: '+', text: b[j]! });
      j++;
    } else {
      open().push({ op: '-', text: a[i]! });
      i++;
    }
  }
  // Removed lines first within a hunk, then added ones: reads as "was … now …".
  return hunks.map((h) => ({ heading: h.heading, lines: [...h.lines.filter((l) => l.op === '-'), ...h.lines.filter((l) => l.op === '+')] }));
}
