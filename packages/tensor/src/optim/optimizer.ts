// What every optimizer shares: parameter groups with their hyperparameters, per-parameter
// state tensors that live outside tidy() scopes, and the update discipline — updates run under
// noGrad inside their own tidy(), and write through assign(), so the module's parameter
// tensors stay the same objects and every temporary is freed when step() returns.

import { detach, noGrad } from "../autograd.ts";
import { engine } from "../engine.ts";
import { assign } from "../nn/assign.ts";
import { keep } from "../scope.ts";
import type { Tensor } from "../tensor.ts";

/** Hyperparameters every optimizer has (schedulers change `lr`). */
export interface BaseOptions {
  lr: number;
}

/** Parameters that share hyperparameters; any option left out takes the optimizer's default. */
export type ParamGroupSpec<O> = Partial<O> & { params: Iterable<Tensor> };

export type ParamGroup<O> = O & { params: Tensor[] };

export type Params<O> = Iterable<Tensor> | readonly ParamGroupSpec<O>[];

function isGroupList<O>(p: Params<O>): p is readonly ParamGroupSpec<O>[] {
  return Array.isArray(p) && p.length > 0 && !(p[0] as { __isTensor?: boolean }).__isTensor;
}

export abstract class Optimizer<O extends BaseOptions> {
  readonly paramGroups: ParamGroup<O>[];
  /** Per-parameter state: named tensors (momentum buffers, moments) the optimizer owns. */
  protected readonly state = new Map<Tensor, Map<string, Tensor>>();
  /** Per-parameter step counts (Adam's bias correction needs its own t per parameter). */
  protected readonly steps = new Map<Tensor, number>();

  constructor(params: Params<O>, defaults: O) {
    const specs: ParamGroupSpec<O>[] = isGroupList(params)
      ? [...params]
      : [{ params } as ParamGroupSpec<O>];
    const seen = new Set<Tensor>();
    this.paramGroups = specs.map((spec) => {
      const list = [...spec.params];
      for (const p of list) {
        if (seen.has(p)) throw new Error(`${this.constructor.name}: a parameter appears twice`);
        if (!p.requiresGrad) {
          throw new Error(`${this.constructor.name}: tensor #${p.id} does not require grad`);
        }
        seen.add(p);
      }
      return { ...defaults, ...spec, params: list } as ParamGroup<O>;
    });
    if (seen.size === 0) throw new Error(`${this.constructor.name}: got an empty parameter list`);
  }

  /** Every parameter of every group. */
  params(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Drop the gradients of every parameter (PyTorch's zero_grad with set_to_none). */
  zeroGrad(): void {
    for (const p of this.params()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Run `update(p, g, group)` for every parameter that has a gradient, under noGrad and inside
   * one tidy() scope: the update builds lazy expressions and writes them with assign().
   */
  protected forEachParam(update: (p: Tensor, g: Tensor, group: ParamGroup<O>) => void): void {
    noGrad(() =>
      engine.tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (p.grad) update(p, p.grad, group);
          }
        }
      }),
    );
  }

  /** The state tensor `name` of p, or undefined before its first step. */
  protected getState(p: Tensor, name: string): Tensor | undefined {
    return this.state.get(p)?.get(name);
  }

  /**
   * Set the state tensor `name` of p to `value`: the first time, a kept handle on the value is
   * made (it outlives every tidy scope until dispose()); later, that tensor is reassigned.
   * Returns the state tensor, realised, so later expressions read memory, not a recomputation.
   */
  protected setState(p: Tensor, name: string, value: Tensor): Tensor {
    let slots = this.state.get(p);
    if (!slots) {
      slots = new Map();
      this.state.set(p, slots);
    }
    const old = slots.get(name);
    if (old) return assign(old, value);
    const t = keep(detach(value));
    engine.realise(t);
    slots.set(name, t);
    return t;
  }

  /** One more step for p; returns the new count t (1 on the first step). */
  protected nextStep(p: Tensor): number {
    const t = (this.steps.get(p) ?? 0) + 1;
    this.steps.set(p, t);
    return t;
  }

  /** Free every state tensor (the parameters stay: the module owns them). */
  dispose(): void {
    for (const slots of this.state.values()) for (const t of slots.values()) t.dispose();
    this.state.clear();
    this.steps.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
