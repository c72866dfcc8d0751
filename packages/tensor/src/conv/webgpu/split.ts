// Splitting convolutions whose tensors are larger than one storage binding
// (maxStorageBufferBindingSize): the batch is cut into chunks of images small enough that every
// binding of a launch fits, and each launch binds an aligned range of the big buffers with the
// element offset inside it passed in Params. Weights too large for one binding are cut into
// slices of output channels by the forward plans (forward.ts, one group only); a single
// image, and the weights of grouped or weight-gradient convolutions, must fit one binding.

import type { Region } from "../../backend/backend.ts";
import { BYTES_PER_ELEMENT } from "../../backend/webgpu/constants.ts";
import { BIND_ALIGN, type BindRange, type PlanContext } from "../../backend/webgpu/launch.ts";
import { DeviceError, fmtBytes } from "../../errors.ts";

/** The most elements one binding may hold, less the slack an aligned range start may need. */
export function bindable(ctx: PlanContext): number {
  return Math.floor(ctx.limits.maxStorageBufferBindingSize / BYTES_PER_ELEMENT) - (BIND_ALIGN - 1);
}

/**
 * Images per launch: the largest count whose per-image bindings all fit (and everything when
 * they fit at once). `perImage` and `fixed` name each binding with its size in elements.
 */
export function imagesPerLaunch(
  ctx: PlanContext,
  op: string,
  batch: number,
  perImage: Record<string, number>,
  fixed: Record<string, number>,
): number {
  const max = bindable(ctx);
  for (const [name, n] of Object.entries(fixed)) {
    if (n > max) throw tooBig(ctx, op, `its ${name} (${fmtBytes(BYTES_PER_ELEMENT * n)})`);
  }
  let images = batch;
  for (const [name, n] of Object.entries(perImage)) {
    const fit = Math.floor(max / Math.max(1, n));
    if (fit < 1)
      throw tooBig(ctx, op, `the ${name} of a single image (${fmtBytes(BYTES_PER_ELEMENT * n)})`);
    images = Math.min(images, fit);
  }
  return Math.max(1, images);
}

function tooBig(ctx: PlanContext, op: string, what: string) {
  const limit = fmtBytes(ctx.limits.maxStorageBufferBindingSize);
  return new DeviceError(
    `${op}: ${what} is over this device's maxStorageBufferBindingSize (${limit}); ` +
      "the convolution kernels split the batch and (with one group) the output channels, but not one image",
  );
}

/** Bind elements [start, start + length) of a region: an aligned range and the offset inside it. */
export function window(
  region: Region,
  start: number,
  length: number,
): { range: BindRange; offset: number } {
  const first = region.offset + start;
  const aligned = Math.floor(first / BIND_ALIGN) * BIND_ALIGN;
  const end = Math.min(region.storage.length, first + Math.max(1, length));
  return { range: { offset: aligned, length: end - aligned }, offset: first - aligned };
}
