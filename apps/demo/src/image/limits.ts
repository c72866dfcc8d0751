// How big an image this device can dream. Two limits: a hard one (the whole image lives in one
// storage buffer — 3 float32 planes — which the device's maxStorageBufferBindingSize caps; the
// network's own activations are tiled by the dream, so they do not limit the image), and a soft
// one (time: a CPU adapter such as SwiftShader manages about half a GFLOP/s, so big pictures
// would take hours there).

import type { BackendInfo } from "@sheep/tensor";
import { fmtBytes, paramNumber } from "../ui/dom.ts";

/** Bytes per pixel of one RGB float32 image tensor. */
const IMAGE_BYTES_PER_PIXEL = 3 * 4;
/** Comfortable sizes: about a second per step. */
const SOFT_SIDE_GPU = 1536;
const SOFT_SIDE_CPU = 256;

export interface SizeAdvice {
  /** true: the device cannot take it at all; false: it can, slowly. */
  hard: boolean;
  message: string;
  /** A size that fits, with the same aspect ratio. */
  suggested: [number, number];
}

export function sideLimits(info: BackendInfo): { hardPixels: number; softPixels: number } {
  // ?maxPixels=N pretends the device takes no more (tests force a failure with a small picture)
  const forced = paramNumber("maxPixels", Number.POSITIVE_INFINITY) * IMAGE_BYTES_PER_PIXEL;
  const binding = Math.min(
    info.limits.maxStorageBufferBindingSize,
    info.limits.maxBufferSize,
    forced,
  );
  const soft =
    info.isFallbackAdapter || info.adapter === "swiftshader" ? SOFT_SIDE_CPU : SOFT_SIDE_GPU;
  const hardPixels = Math.floor(binding / IMAGE_BYTES_PER_PIXEL);
  return { hardPixels, softPixels: Math.min(hardPixels, soft * soft) };
}

/** The largest size with the same aspect ratio and at most `pixels` pixels. */
export function fitPixels(width: number, height: number, pixels: number): [number, number] {
  if (width * height <= pixels) return [width, height];
  const k = Math.sqrt(pixels / (width * height));
  return [Math.max(1, Math.floor(width * k)), Math.max(1, Math.floor(height * k))];
}

/** null when the image is fine; otherwise what is wrong and the size to offer instead. */
export function adviseSize(width: number, height: number, info: BackendInfo): SizeAdvice | null {
  const { hardPixels, softPixels } = sideLimits(info);
  const pixels = width * height;
  const mp = (pixels / 1e6).toFixed(2);
  if (pixels > hardPixels) {
    const need = fmtBytes(pixels * IMAGE_BYTES_PER_PIXEL);
    const limit = fmtBytes(hardPixels * IMAGE_BYTES_PER_PIXEL);
    return {
      hard: true,
      message:
        `This image is ${width}×${height} (${mp} MP): as float32 RGB it needs ${need} in one ` +
        `buffer, over the ${limit} this device takes in one (its maxStorageBufferBindingSize).`,
      suggested: fitPixels(width, height, softPixels),
    };
  }
  if (pixels > softPixels) {
    const cpu = info.isFallbackAdapter || info.adapter === "swiftshader";
    const why = cpu
      ? `WebGPU runs on the CPU here (${info.adapter}), where each step at this size would ` +
        "take minutes"
      : "each step at this size would take several seconds";
    return {
      hard: false,
      message: `This image is ${width}×${height} (${mp} MP): ${why}.`,
      suggested: fitPixels(width, height, softPixels),
    };
  }
  return null;
}
