// Lifetimes outside the math: tidy() scopes, keep(), and assertFinite().

import { engine } from "./engine.ts";
import { NonFiniteError } from "./errors.ts";
import type { Tensor } from "./tensor.ts";

/** Run fn and dispose every tensor it made except the ones it returns. fn must be synchronous. */
export function tidy<T>(fn: () => T): T {
  return engine.tidy(fn);
}

/** Exempt a tensor from enclosing tidy() scopes; you dispose it. Returns it. */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Throw if any element is NaN or ±infinity, saying how many and where the first one is. */
export async function assertFinite(t: Tensor, what = `tensor #${t.id} (${t.op})`): Promise<void> {
  const data = await t.data();
  let bad = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new NonFiniteError(
      `${what} has ${bad} non-finite value${bad > 1 ? "s" : ""} of ${data.length}; ` +
        `the first is ${data[first]} at flat index ${first} (shape [${t.shape.join(", ")}])`,
    );
  }
}
