// The Module convention: a tree of modules, each owning named parameters (trained), buffers
// (state that is saved but not trained, like batch norm's running mean) and child modules.
// Dotted paths through the tree name every tensor (`features.0.weight`), exactly the keys
// PyTorch state dicts and safetensors files use, so weights load by name.

import { noGrad } from "../autograd.ts";
import { fmtShape } from "../errors.ts";
import { keep } from "../scope.ts";
import { sameShape } from "../shape.ts";
import type { Tensor } from "../tensor.ts";
import { assign } from "./assign.ts";

/** What loadStateDict found: keys the model has but the map lacks, and the other way round. */
export interface LoadResult {
  missing: string[];
  unexpected: string[];
}

/** A state dict key whose tensor has another shape than the model's. */
interface Mismatch {
  key: string;
  model: readonly number[];
  given: readonly number[];
}

export class StateDictError extends Error {
  constructor(
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
    readonly mismatched: readonly Mismatch[],
  ) {
    const lines: string[] = [];
    const list = (keys: readonly string[]) => keys.map((k) => `    ${k}`).join("\n");
    if (missing.length) lines.push(`  missing keys (${missing.length}):\n${list(missing)}`);
    if (unexpected.length) {
      lines.push(`  unexpected keys (${unexpected.length}):\n${list(unexpected)}`);
    }
    if (mismatched.length) {
      const rows = mismatched.map(
        (m) => `    ${m.key}: model ${fmtShape(m.model)}, given ${fmtShape(m.given)}`,
      );
      lines.push(`  shape mismatches (${mismatched.length}):\n${rows.join("\n")}`);
    }
    super(
      "loadStateDict: the state dict does not fit the model; nothing was loaded\n" +
        lines.join("\n"),
    );
    this.name = "StateDictError";
  }
}

export abstract class Module {
  /** Training mode (dropout active, batch norm uses batch statistics) or eval mode. */
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly buffers = new Map<string, Tensor | null>();
  private readonly children = new Map<string, Module>();

  // ---- registration (called by subclass constructors) ---------------------------------------

  /**
   * Own `t` as the parameter `name`: it is kept out of tidy() scopes, requires grad, and is
   * disposed with the module. null registers an absent optional parameter (a bias turned off).
   */
  protected registerParameter<T extends Tensor | null>(name: string, t: T): T {
    this.checkName(name);
    if (t) keep(t).requiresGrad_();
    this.params.set(name, t);
    return t;
  }

  /** Own `t` as the buffer `name`: saved in the state dict, never trained. */
  protected registerBuffer<T extends Tensor | null>(name: string, t: T): T {
    this.checkName(name);
    if (t) keep(t);
    this.buffers.set(name, t);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this.children.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (name === "" || name.includes(".")) {
      throw new Error(
        `${this.constructor.name}: "${name}" is not a valid name (non-empty, no dots)`,
      );
    }
    if (this.params.has(name) || this.buffers.has(name) || this.children.has(name)) {
      throw new Error(`${this.constructor.name}: "${name}" is already registered`);
    }
  }

  // ---- walking the tree ---------------------------------------------------------------------

  /** This module's direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Every module of the tree, this one first (name ""), depth first. */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.children) {
      out.push(...child.namedModules(join(prefix, name)));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name, own parameters before the children's. */
  namedParameters(): [string, Tensor][] {
    return this.walk((m) => m.params);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  namedBuffers(): [string, Tensor][] {
    return this.walk((m) => m.buffers);
  }

  buffersList(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  private walk(pick: (m: Module) => Map<string, Tensor | null>): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of pick(m)) if (t) out.push([join(prefix, name), t]);
    }
    return out;
  }

  // ---- state dict ---------------------------------------------------------------------------

  /**
   * Every parameter and buffer by dotted name, in PyTorch's order (per module: parameters,
   * then buffers, then the children). The values are the module's live tensors, not copies:
   * read or save them, don't dispose them.
   */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, t] of m.params) if (t) out.set(join(prefix, name), t);
      for (const [name, t] of m.buffers) if (t) out.set(join(prefix, name), t);
    }
    return out;
  }

  /**
   * Copy values from a name → tensor map (a state dict, a safetensors file) into this module's
   * parameters and buffers, keeping their identity. Shapes must match exactly. With `strict`
   * (the default) the keys must match too. Nothing is loaded unless everything fits: the error
   * lists every missing key, unexpected key and shape mismatch at once. The map's tensors stay
   * the caller's; the module shares their memory where it can (buffers are immutable). The
   * tensors must live on the module's backend.
   */
  loadStateDict(
    state: ReadonlyMap<string, Tensor> | Record<string, Tensor>,
    opts: { strict?: boolean } = {},
  ): LoadResult {
    const strict = opts.strict ?? true;
    const given = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !given.has(k));
    const unexpected = [...given.keys()].filter((k) => !own.has(k));
    const mismatched: Mismatch[] = [];
    for (const [key, t] of own) {
      const v = given.get(key);
      if (v && !sameShape(v.shape, t.shape))
        mismatched.push({ key, model: t.shape, given: v.shape });
    }
    if (mismatched.length || (strict && (missing.length || unexpected.length))) {
      throw new StateDictError(strict ? missing : [], strict ? unexpected : [], mismatched);
    }
    const elsewhere = [...own].filter(
      ([k, t]) => given.has(k) && given.get(k)!.backend !== t.backend,
    );
    if (elsewhere.length) {
      const [key, t] = elsewhere[0];
      throw new Error(
        `loadStateDict: ${elsewhere.length} tensors (the first: ${key}) live on the ` +
          `${given.get(key)!.backend.kind} backend, the model on ${t.backend.kind}; nothing was loaded`,
      );
    }
    noGrad(() => {
      for (const [key, t] of own) {
        const v = given.get(key);
        if (v) assign(t, v);
      }
    });
    return { missing, unexpected };
  }

  // ---- modes and lifetime -------------------------------------------------------------------

  /** Set training mode on the whole tree. Returns this. */
  train(on = true): this {
    for (const m of this.modules()) m.training = on;
    return this;
  }

  /** Evaluation mode: dropout off, batch norm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Turn gradients of every parameter on or off (freeze a feature extractor). */
  requiresGrad_(on = true): this {
    for (const p of this.parameters()) p.requiresGrad_(on);
    return this;
  }

  /** Drop every parameter's gradient (PyTorch's zero_grad with set_to_none). */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Free every parameter and buffer of the tree (and their gradients). */
  dispose(): void {
    for (const t of [...this.parameters(), ...this.buffersList()]) t.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** One line per module with its parameter shapes, like printing a PyTorch model. */
  toString(): string {
    return this.namedModules()
      .map(([name, m]) => {
        const own = [...m.params]
          .filter(([, t]) => t)
          .map(([n, t]) => `${n} ${fmtShape(t!.shape)}`);
        const depth = name === "" ? 0 : name.split(".").length;
        const params = own.length ? ` {${own.join(", ")}}` : "";
        return `${"  ".repeat(depth)}${name || "(root)"}: ${m.describe()}${params}`;
      })
      .join("\n");
  }

  /** The layer's name and settings for toString(); subclasses add their hyperparameters. */
  describe(): string {
    return this.constructor.name;
  }
}

/** A module that maps one tensor to one tensor: what Sequential chains. */
export interface Layer extends Module {
  forward(x: Tensor): Tensor;
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}
