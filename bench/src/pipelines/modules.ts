// The models and algorithms packages as the bench sees them: loosely typed, checked at run time.
// They are being written while the bench runs against them, so a missing export must turn into
// a "skipped: not available yet" row, never into a build or type error here. (If their sources
// do not even bundle, build.mjs swaps both for an empty module and every pipeline skips.)

import * as algorithmsNs from "@sheep/algorithms";
import * as modelsNs from "@sheep/models";
import type { Tensor } from "@sheep/tensor";

export interface HostWeights {
  shape: number[];
  data: Float32Array;
}

export interface VggLike {
  forward(x: Tensor, taps: readonly string[]): Map<string, Tensor>;
  tapNames: string[];
  dispose(): void;
}

export interface FaceLike {
  forward(x: Tensor, taps: readonly string[]): Map<string, Tensor>;
  dispose(): void;
}

export interface ModelsApi {
  vggConfig(arch: "vgg16" | "vgg19", opts?: { divisor?: number }): unknown;
  randomVggWeights(config: unknown, seed?: number): Map<string, HostWeights>;
  vggSafetensors(
    config: unknown,
    dialect: "torchvision" | "timm" | "keras",
    weights: Map<string, HostWeights>,
    opts?: { classifier?: boolean },
  ): Uint8Array<ArrayBuffer>;
  loadVgg(input: Uint8Array, opts?: { taps?: readonly string[] }): Promise<VggLike>;
  loadFaceNet(input: Uint8Array): Promise<FaceLike>;
}

export interface AlgorithmsApi {
  vggDreamModel(vgg: VggLike): unknown;
  // style transfer (style.ts): loosely typed like the rest
  evaluate(setup: unknown, weights: unknown, targets: unknown, x: Tensor, tiles: unknown): unknown;
  styleGrams(setup: unknown, taps: readonly string[], image: Tensor, tiles: unknown): unknown;
  contentTargets(setup: unknown, tap: string, image: Tensor, tiles: unknown): unknown;
  tileLayout(h: number, w: number, tile: number, overlap: number, align?: number): unknown;
  dream(
    model: unknown,
    image: Tensor,
    options: Record<string, unknown>,
    onProgress?: (p: { step: number; tiles: number }) => void | Promise<void>,
  ): Promise<Tensor>;
}

/** The stub build of build.mjs exports this marker with the bundling error. */
type Stub = { __unavailable?: string };

export const models = modelsNs as unknown as Partial<ModelsApi> & Stub;
export const algorithms = algorithmsNs as unknown as Partial<AlgorithmsApi> & Stub;

/** null when every named export is a function, else a one-line reason to skip. */
export function missing<T extends object>(
  pkg: string,
  api: Partial<T> & Stub,
  names: (keyof T)[],
): string | null {
  if (api.__unavailable) return `not available yet: ${pkg} does not build (${api.__unavailable})`;
  const gone = names.filter((n) => typeof api[n] !== "function");
  return gone.length ? `not available yet: ${pkg} has no ${gone.join(", ")}` : null;
}
