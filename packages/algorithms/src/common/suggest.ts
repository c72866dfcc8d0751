// "Did you mean …?" for names people type (layers, classes): the closest known name by edit
// distance, offered only when it is close enough to be a typo rather than a different word.

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  // One row of the dynamic-programming table at a time: row[j] = distance(a[0..i), b[0..j)).
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      next.push(Math.min(substitute, row[j] + 1, next[j - 1] + 1));
    }
    row = next;
  }
  return row[b.length];
}

/**
 * The known name closest to `name` (case-insensitive), or null when none is within a third
 * of the name's length (at least 2 edits): "layr2.3" → "layer2.3", "zebra" ↛ "sheep".
 */
export function closest(name: string, known: readonly string[]): string | null {
  const want = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(want, k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(want.length / 3)) ? best : null;
}

/** ` (did you mean "x"?)`, or "" when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const c = closest(name, known);
  return c === null ? "" : ` (did you mean "${c}"?)`;
}

/**
 * Names grouped by their stem, the part before the first "_", "." or "/" after a letter run
 * ("block4_conv3" → "block4", "layer2.3" → "layer2", "inception_4c/output" → "inception_4c"):
 * "block1: block1_conv1, block1_conv2 · block2: …". Every name is listed; none is cut.
 */
export function groupedNames(names: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const stem = /^(inception_\w+|[A-Za-z]+\d*)/.exec(n)?.[1] ?? n;
    if (!groups.has(stem)) groups.set(stem, []);
    groups.get(stem)!.push(n);
  }
  return [...groups]
    .map(([stem, ns]) => (ns.length === 1 && ns[0] === stem ? stem : `${stem}: ${ns.join(", ")}`))
    .join(" · ");
}
