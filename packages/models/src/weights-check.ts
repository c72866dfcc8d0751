// Checking a weight file's names and shapes against what a model expects, before anything is
// read: one error that lists every missing key, unexpected key and shape mismatch at once, so
// a user fixing a converted file sees the whole problem in one run.

/** A tensor whose shape in the file differs from the model's. */
export interface ShapeMismatch {
  key: string;
  expected: readonly number[];
  actual: readonly number[];
}

const fmt = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/** How many names the one-line summary shows before "and N more". */
const INLINE = 4;

function inline(keys: readonly string[]): string {
  const shown = keys.slice(0, INLINE).join(", ");
  return keys.length > INLINE ? `${shown} and ${keys.length - INLINE} more` : shown;
}

export class WeightsError extends Error {
  constructor(
    /** What was being loaded, e.g. "VGG16 (timm names)". */
    readonly what: string,
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly mismatched: readonly ShapeMismatch[],
  ) {
    // The first line stands alone (the CLI prints only that); the full lists follow.
    const summary: string[] = [];
    if (missing.length) summary.push(`missing ${inline(missing)}`);
    if (unexpected.length) summary.push(`unexpected ${inline(unexpected)}`);
    if (mismatched.length) {
      const m = mismatched[0];
      const more = mismatched.length > 1 ? ` (and ${mismatched.length - 1} more)` : "";
      summary.push(`${m.key} is ${fmt(m.actual)}, expected ${fmt(m.expected)}${more}`);
    }
    const lines = [`the weights do not fit ${what}: ${summary.join("; ")}`];
    const list = (keys: readonly string[]) => keys.map((k) => `    ${k}`).join("\n");
    if (missing.length) lines.push(`  missing keys (${missing.length}):\n${list(missing)}`);
    if (unexpected.length) {
      lines.push(`  unexpected keys (${unexpected.length}):\n${list(unexpected)}`);
    }
    if (mismatched.length) {
      const rows = mismatched.map(
        (m) => `    ${m.key}: ${fmt(m.actual)}, expected ${fmt(m.expected)}`,
      );
      lines.push(`  shape mismatches (${mismatched.length}):\n${rows.join("\n")}`);
    }
    super(lines.join("\n"));
    this.name = "WeightsError";
  }
}

/**
 * Compares a file's tensors (name → shape) with the expected table. `optional` keys may be
 * absent without being missing (a features-only file has no classifier). Throws WeightsError.
 */
export function checkWeights(
  what: string,
  expected: ReadonlyMap<string, readonly number[]>,
  actual: ReadonlyMap<string, readonly number[]>,
  optional: ReadonlySet<string> = new Set(),
): void {
  const missing = [...expected.keys()].filter((k) => !actual.has(k) && !optional.has(k));
  const unexpected = [...actual.keys()].filter((k) => !expected.has(k));
  const mismatched: ShapeMismatch[] = [];
  for (const [key, shape] of actual) {
    const want = expected.get(key);
    if (want && fmt(want) !== fmt(shape)) mismatched.push({ key, expected: want, actual: shape });
  }
  if (missing.length || unexpected.length || mismatched.length) {
    throw new WeightsError(what, missing, unexpected, mismatched);
  }
}
