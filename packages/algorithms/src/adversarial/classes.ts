// Class names the user types → class indices, with a "did you mean" when a name is off.

import type { DreamModel } from "../model.ts";

/** Edit distance (insertions, deletions, substitutions), for suggestions. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(
        Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)),
      );
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * The index of a class given by number or by name (case-insensitive; ImageNet names like
 * "tench, Tinca tinca" also match any of their comma-separated parts). One-line error with the
 * closest names otherwise.
 */
export function classIndex(model: DreamModel, name: string): number {
  const classes = model.classes;
  if (!classes) throw new Error(`${model.name} has no class names: give a class number`);
  const k = classes.length;
  if (/^\d+$/.test(name.trim())) {
    const i = Number(name);
    if (i < k) return i;
    throw new Error(`${model.name} has no class ${i} (classes are 0…${k - 1})`);
  }
  const want = name.trim().toLowerCase();
  const parts = classes.map((c) => [c.toLowerCase(), ...c.toLowerCase().split(/,\s*/)]);
  const exact = parts.findIndex((p) => p.includes(want));
  if (exact >= 0) return exact;
  const scored = parts
    .map((p, i) => ({ i, d: Math.min(...p.map((s) => distance(want, s))) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ i }) => `"${classes[i]}"`);
  throw new Error(`${model.name} has no class "${name}" (did you mean ${scored.join(", ")}?)`);
}
