// Splitting plane-wise routines (pooling, resizing) into launches that each bind at most
// maxStorageBufferBindingSize of every buffer: a big NCHW tensor is cut between planes, each
// launch binds a 256-byte-aligned range of every buffer, and an element offset in Params says
// where its first plane starts inside that range.

import { DeviceError, fmtBytes } from "../../errors.ts";
import type { Region } from "../backend.ts";
import { BYTES_PER_ELEMENT } from "./constants.ts";
import { BIND_ALIGN, type BindRange } from "./launch.ts";

/** Workgroups of 8×8 threads over a w × h plane, one grid layer per plane. */
export function planeGrid(w: number, h: number, planes: number): [number, number, number] {
  return [Math.ceil(w / 8), Math.ceil(h / 8), planes];
}

export interface PlaneChunk {
  /** First plane and number of planes of this launch. */
  first: number;
  count: number;
  /** Per buffer: the range to bind, and the element offset of plane `first` inside it. */
  ranges: BindRange[];
  offsets: number[];
}

/**
 * Chunks of `planes` planes such that every buffer's share fits one binding, and at most
 * `maxPlanes` planes (the grid's z limit) go to one launch.
 * @param regions  where plane 0 of each buffer starts
 * @param perPlane elements one plane occupies in each buffer
 */
export function planeChunks(
  label: string,
  planes: number,
  regions: readonly Region[],
  perPlane: readonly number[],
  maxBindingBytes: number,
  maxPlanes: number,
): PlaneChunk[] {
  const maxElems = Math.floor(maxBindingBytes / BYTES_PER_ELEMENT);
  // An aligned range may start up to BIND_ALIGN - 1 elements before the first plane.
  const fit = Math.min(
    maxPlanes,
    ...perPlane.map((n) => Math.floor((maxElems - (BIND_ALIGN - 1)) / Math.max(1, n))),
  );
  if (fit < 1) {
    const big = Math.max(...perPlane);
    throw new DeviceError(
      `${label}: one plane of ${big} elements (${fmtBytes(big * BYTES_PER_ELEMENT)}) does not fit this device's ` +
        `maxStorageBufferBindingSize (${fmtBytes(maxBindingBytes)}); use smaller images`,
    );
  }
  const chunks: PlaneChunk[] = [];
  for (let first = 0; first < planes; first += fit) {
    const count = Math.min(fit, planes - first);
    const ranges: BindRange[] = [];
    const offsets: number[] = [];
    regions.forEach((r, i) => {
      const start = r.offset + first * perPlane[i];
      const aligned = Math.floor(start / BIND_ALIGN) * BIND_ALIGN;
      offsets.push(start - aligned);
      ranges.push({ offset: aligned, length: start - aligned + count * perPlane[i] });
    });
    chunks.push({ first, count, ranges, offsets });
  }
  return chunks;
}
