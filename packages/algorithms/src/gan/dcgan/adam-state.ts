// Adam whose state can be saved and restored: the moments m, v of every parameter and its step
// count t. The engine's optimizer keeps them private to itself (keyed by parameter object);
// a checkpoint needs them by name, so this subclass lists them as `<i>.exp_avg` /
// `<i>.exp_avg_sq` (i: the parameter's index, PyTorch's optimizer state_dict numbering).

import { optim, type Tensor } from "@sheep/tensor";

const NAMES: Record<string, string> = { expAvg: "exp_avg", expAvgSq: "exp_avg_sq" };

export class SavableAdam extends optim.Adam {
  /** Every state tensor by name (live tensors: read them, don't dispose them) and the steps. */
  exportState(): { tensors: Map<string, Tensor>; steps: number[] } {
    const tensors = new Map<string, Tensor>();
    const params = this.params();
    params.forEach((p, i) => {
      for (const [name, t] of this.state.get(p) ?? [])
        tensors.set(`${i}.${NAMES[name] ?? name}`, t);
    });
    return { tensors, steps: params.map((p) => this.steps.get(p) ?? 0) };
  }

  /** Restore what exportState gave (the tensors are copied; the caller still owns them). */
  importState(tensors: ReadonlyMap<string, Tensor>, steps: readonly number[]): void {
    const params = this.params();
    if (steps.length !== params.length) {
      throw new Error(
        `optimizer state: ${steps.length} step counts for ${params.length} parameters`,
      );
    }
    params.forEach((p, i) => {
      for (const [name, saved] of Object.entries(NAMES)) {
        const t = tensors.get(`${i}.${saved}`);
        // t·1 is exact: a fresh tensor the optimizer owns, whatever the caller does with t.
        if (t) this.setState(p, name, t.mul(1));
      }
      if (steps[i] > 0) this.steps.set(p, steps[i]);
      else this.steps.delete(p);
    });
  }
}
