// A Caffe network on the engine, built from a deploy prototxt and a weights lookup. Every blob
// is a named tap, and `forward(x, taps)` runs only the layers the requested taps depend on.
//
// In-place layers (top == bottom, e.g. a ReLU after a conv) give a blob name a new value. We
// number each value a blob name takes ("versions", as in SSA form): a tap names the LAST value
// of its blob, as Caffe shows it after a forward pass — `conv1/7x7_s2` is the ReLU'd output and
// `inception_4c/output` the concat. Dependencies are tracked between versions, so asking for
// `conv2/3x3_reduce` runs the first 6 layers and nothing of the branches that do not feed it.

import type { Tensor } from "@sheep/tensor";
import {
  type CaffeOp,
  CORE_LAYERS,
  type LayerBuilder,
  type Shape,
  type WeightLookup,
} from "./layers.ts";
import { SIMPLE_LAYERS } from "./layers-simple.ts";
import { type CaffeNetSpec, caffeNetSpec } from "./net-spec.ts";
import type { PbMessage } from "./prototxt.ts";

/** Every layer type the builder knows. */
export const CAFFE_LAYERS: Readonly<Record<string, LayerBuilder>> = {
  ...CORE_LAYERS,
  ...SIMPLE_LAYERS,
};

interface Node {
  readonly name: string;
  readonly type: string;
  readonly op: CaffeOp;
  /** Version ids read and written. */
  readonly ins: readonly number[];
  readonly outs: readonly number[];
}

export class CaffeNet {
  readonly spec: CaffeNetSpec;
  /** The input blobs' names, in declaration order. */
  readonly inputs: readonly string[];
  /** Every blob name (tap), in the order the net first writes it: inputs first. */
  readonly tapNames: readonly string[];
  private readonly nodes: Node[] = [];
  /** Blob name → its last version. */
  private readonly final = new Map<string, number>();
  /** Version → the node that writes it (-1: an input). */
  private readonly producer: number[] = [];
  private readonly versionName: string[] = [];
  private readonly consumers: number[][] = [];
  /** The learned blobs, by caffeTensorName (what the layers were built from). */
  readonly weight: WeightLookup;

  /**
   * @param prototxt the deploy net (text, parsed message or spec)
   * @param weights  learned blobs by caffeTensorName (`conv1/7x7_s2.weight`): a map or lookup
   */
  constructor(
    prototxt: string | PbMessage | CaffeNetSpec,
    weights: WeightLookup | ReadonlyMap<string, Tensor>,
  ) {
    this.spec =
      typeof prototxt === "object" && "layers" in prototxt && "inputs" in prototxt
        ? (prototxt as CaffeNetSpec)
        : caffeNetSpec(prototxt as string | PbMessage);
    const lookup: WeightLookup = typeof weights === "function" ? weights : (n) => weights.get(n);
    this.weight = lookup;
    const current = new Map<string, number>();
    const names: string[] = [];
    const write = (blob: string, node: number) => {
      const v = this.producer.length;
      this.producer.push(node);
      this.versionName.push(blob);
      this.consumers.push([]);
      if (!current.has(blob)) names.push(blob);
      current.set(blob, v);
      return v;
    };
    this.inputs = this.spec.inputs.map((i) => i.name);
    for (const i of this.spec.inputs) write(i.name, -1);
    for (const layer of this.spec.layers) {
      const what = `Caffe layer "${layer.name}" (${layer.type})`;
      const build = CAFFE_LAYERS[layer.type];
      if (!build) {
        throw new Error(
          `${what}: unknown layer type "${layer.type}" (known: ${Object.keys(CAFFE_LAYERS).join(", ")})`,
        );
      }
      if (layer.bottoms.length === 0 || layer.tops.length === 0) {
        throw new Error(`${what}: needs at least one bottom and one top`);
      }
      const ins = layer.bottoms.map((b) => {
        const v = current.get(b);
        if (v === undefined)
          throw new Error(`${what}: bottom "${b}" is not written by any earlier layer or input`);
        return v;
      });
      let op: CaffeOp;
      try {
        op = build(layer, lookup);
      } catch (e) {
        throw new Error(`${what}: ${(e as Error).message}`);
      }
      const index = this.nodes.length;
      for (const v of ins) this.consumers[v].push(index);
      const outs = layer.tops.map((t) => write(t, index));
      this.nodes.push({ name: layer.name, type: layer.type, op, ins, outs });
    }
    this.tapNames = names;
    for (const [name, v] of current) this.final.set(name, v);
  }

  /** Throws (one line, naming some taps) when `tap` is not a blob of this net. */
  private versionOf(tap: string): number {
    const v = this.final.get(tap);
    if (v === undefined) {
      const some = this.tapNames.slice(0, 8).join(", ");
      throw new Error(
        `${this.spec.name} has no blob "${tap}" (its blobs: ${some}, … ${this.tapNames.length} in all)`,
      );
    }
    return v;
  }

  /** The nodes that must run for these versions, in order. */
  private plan(versions: readonly number[]): number[] {
    const need = new Set<number>();
    const stack = versions.map((v) => this.producer[v]).filter((n) => n >= 0);
    while (stack.length) {
      const n = stack.pop()!;
      if (need.has(n)) continue;
      need.add(n);
      for (const v of this.nodes[n].ins) if (this.producer[v] >= 0) stack.push(this.producer[v]);
    }
    return [...need].sort((a, b) => a - b);
  }

  private inputMap(x: Tensor | Readonly<Record<string, Shape | Tensor>>) {
    return "shape" in x && !Array.isArray(x) && typeof (x as Tensor).rank === "number"
      ? { [this.inputs[0]]: x as Tensor }
      : (x as Record<string, Tensor>);
  }

  /** The shape of every requested blob (all by default) for these input shapes. */
  blobShapes(
    input: Shape | Readonly<Record<string, Shape>>,
    taps: readonly string[] = this.tapNames,
  ): Map<string, number[]> {
    const inputs = Array.isArray(input)
      ? { [this.inputs[0]]: input as Shape }
      : (input as Record<string, Shape>);
    const wanted = taps.map((t) => this.versionOf(t));
    const shapes = new Map<number, Shape>();
    this.spec.inputs.forEach((spec, i) => {
      const s = inputs[spec.name];
      if (!s) throw new Error(`${this.spec.name}: no value for input "${spec.name}"`);
      this.checkInput(spec.name, spec.shape, s);
      shapes.set(i, s);
    });
    for (const n of this.plan(wanted)) {
      const node = this.nodes[n];
      let outs: Shape[];
      try {
        outs = node.op.shape(node.ins.map((v) => shapes.get(v)!));
      } catch (e) {
        throw new Error(`Caffe layer "${node.name}" (${node.type}): ${(e as Error).message}`);
      }
      for (const [i, v] of node.outs.entries()) shapes.set(v, outs[i]);
    }
    return new Map(taps.map((t, i) => [t, [...shapes.get(wanted[i])!]]));
  }

  private checkInput(name: string, declared: Shape, actual: Shape): void {
    if (actual.length !== declared.length && declared.length > 0) {
      throw new Error(
        `${this.spec.name}: input "${name}" must have ${declared.length} dims, got [${actual}]`,
      );
    }
    // The batch and spatial sizes are free; the channels are what the weights fix.
    if (declared.length >= 2 && actual[1] !== declared[1]) {
      throw new Error(
        `${this.spec.name}: input "${name}" must have ${declared[1]} channels (dim 1), got [${actual}]`,
      );
    }
  }

  /**
   * The requested blobs for input x (one input) or inputs by name, running only the layers they
   * need. A conv whose only reader is a ReLU gets the ReLU fused into its output write.
   */
  forward(
    x: Tensor | Readonly<Record<string, Tensor>>,
    taps: readonly string[],
  ): Map<string, Tensor> {
    if (taps.length === 0) throw new Error(`${this.spec.name}.forward: ask for at least one tap`);
    const inputs = this.inputMap(x) as Record<string, Tensor>;
    const shapeOf: Record<string, Shape> = {};
    for (const name of this.inputs) {
      if (!inputs[name]) throw new Error(`${this.spec.name}: no value for input "${name}"`);
      shapeOf[name] = inputs[name].shape;
    }
    this.blobShapes(shapeOf, taps); // every shape error, with its layer, before any work
    const wanted = taps.map((t) => this.versionOf(t));
    const values = new Map<number, Tensor>();
    for (const [i, name] of this.inputs.entries()) values.set(i, inputs[name]);
    const fusedInto = new Set<number>(); // ReLU nodes already applied by their conv
    const order = this.plan(wanted);
    const running = new Set(order);
    for (const n of order) {
      const node = this.nodes[n];
      if (fusedInto.has(n)) {
        values.set(node.outs[0], values.get(node.ins[0])!);
        continue;
      }
      const relu = node.op.fusesRelu ? this.fusableRelu(node, wanted, running) : -1;
      const outs = node.op.forward(
        node.ins.map((v) => values.get(v)!),
        relu >= 0,
      );
      if (relu >= 0) fusedInto.add(relu);
      for (const [i, v] of node.outs.entries()) values.set(v, outs[i]);
    }
    return new Map(taps.map((t, i) => [t, values.get(wanted[i])!]));
  }

  /** The ReLU (slope 0) node that alone reads `node`'s output, if its pre-ReLU value is not asked for. */
  private fusableRelu(node: Node, wanted: readonly number[], running: Set<number>): number {
    const v = node.outs[0];
    if (node.outs.length !== 1 || wanted.includes(v)) return -1;
    const readers = this.consumers[v].filter((c) => running.has(c));
    if (readers.length !== 1) return -1;
    const r = this.nodes[readers[0]];
    return r.op.reluSlope === 0 && r.ins.length === 1 ? readers[0] : -1;
  }

  /** The layer names, in order (with their types). */
  get layers(): { name: string; type: string }[] {
    return this.nodes.map((n) => ({ name: n.name, type: n.type }));
  }

  /** The name of the layer that writes the final value of a blob ("" for an input). */
  layerOf(tap: string): string {
    const p = this.producer[this.versionOf(tap)];
    return p < 0 ? "" : this.nodes[p].name;
  }
}
