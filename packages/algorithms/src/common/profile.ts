// What a network costs per input pixel, measured once on a probe image: each tap's channels and
// stride (to normalise objectives by the whole image while computing them tile by tile) and the
// memory of the autograd graph (to size tiles from the device's limits). Model-agnostic: it
// walks the recorded graph instead of asking the model.

import { full, type Tensor, tidy } from "@sheep/tensor";
import { type DreamModel, tapsOf } from "../model.ts";

export interface TapGeometry {
  channels: number;
  /**
   * Input pixels per activation position along each side (2 after one 2×2 pool); null for
   * taps without spatial dims (the logits of a classifier), which have one position always.
   */
  stride: number | null;
}

export interface ModelProfile {
  /** The probe's side in pixels. */
  size: number;
  taps: ReadonlyMap<string, TapGeometry>;
  /** Bytes of every intermediate tensor the graph keeps for backward, per input pixel. */
  graphBytesPerPixel: number;
  /** Bytes of the largest single intermediate tensor, per input pixel. */
  largestBytesPerPixel: number;
}

/** Intermediate tensors reachable from root through the recorded graph (leaves excluded). */
function graphTensors(root: Tensor): Tensor[] {
  const seen = new Set<Tensor>();
  const stack = [root];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t) || !t.node) continue;
    seen.add(t);
    stack.push(...t.node.inputs);
  }
  return [...seen];
}

const cache = new WeakMap<DreamModel, Map<string, ModelProfile>>();

/**
 * Run the model once on a grey probe of `size`² (default: its input size, else 224) with the
 * graph recorded, and read the geometry and memory off the graph. Cached per model and taps.
 */
export function profileModel(model: DreamModel, taps: readonly string[], size?: number) {
  const side = size ?? Math.max(model.inputSize ?? 224, model.minSize?.(taps) ?? 0);
  const key = `${side}:${[...taps].sort().join(",")}`;
  const known = cache.get(model)?.get(key);
  if (known) return known;
  const profile = tidy(() => {
    const x = full([1, 3, side, side], 0.5).requiresGrad_();
    const acts = tapsOf(model, x, taps);
    const geometry = new Map<string, TapGeometry>();
    let root: Tensor | null = null;
    for (const tap of taps) {
      const a = acts.get(tap);
      if (!a) throw new Error(`${model.name}: forward() did not return the tap "${tap}"`);
      const positions = a.rank === 4 ? a.shape[2] * a.shape[3] : 0;
      if (a.rank === 4 && positions === 0) {
        throw new Error(`${model.name}: "${tap}" is empty at ${side}²`);
      }
      const stride = a.rank === 4 ? side / Math.sqrt(positions) : null;
      geometry.set(tap, { channels: a.shape[1], stride });
      const s = a.sum();
      root = root ? root.add(s) : s;
    }
    const inner = graphTensors(root!);
    const bytes = inner.reduce((n, t) => n + t.size * 4, 0);
    const largest = inner.reduce((n, t) => Math.max(n, t.size * 4), 0);
    const pixels = side * side;
    return { geometry, graph: bytes / pixels, largest: largest / pixels };
  });
  const result: ModelProfile = {
    size: side,
    taps: profile.geometry,
    graphBytesPerPixel: profile.graph,
    largestBytesPerPixel: profile.largest,
  };
  if (!cache.has(model)) cache.set(model, new Map());
  cache.get(model)!.set(key, result);
  return result;
}

/**
 * The largest square tile (a multiple of 16 pixels) whose forward and backward fit the device:
 * no intermediate tensor over maxStorageBufferBindingSize (a kernel binds each tensor whole),
 * and the graph plus its gradients (≈ 2.5× the forward's saved tensors) within `budget` bytes.
 */
export function autoTileSize(
  profile: ModelProfile,
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number },
  budget: number,
): number {
  const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const byBinding = Math.sqrt(binding / Math.max(profile.largestBytesPerPixel, 1e-9));
  const byMemory = Math.sqrt(budget / Math.max(2.5 * profile.graphBytesPerPixel, 1e-9));
  return Math.max(16, Math.floor(Math.min(byBinding, byMemory) / 16) * 16);
}
