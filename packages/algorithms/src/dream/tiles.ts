// Gradients of an image too big for one forward pass, computed tile by tile.
//
// The TensorFlow DeepDream tutorial's "tiled gradients" cut the image into tiles and roll the
// image by a random offset every step so the seams never stay in one place. We also give each
// tile `overlap` pixels of context on every side and keep only its core: with enough context
// (twice the receptive field's radius) the tiled gradient equals the untiled one exactly.

import { concat, engine, narrow, type Tensor, tidy, valueAndGrad } from "@sheep/tensor";

/** One tile: the core it contributes, and the wider box it is computed on. */
export interface Tile {
  /** [top, left, height, width] of the core. */
  core: [number, number, number, number];
  /** [top, left, height, width] of the core plus its context, clipped to the image. */
  box: [number, number, number, number];
}

/** Split [0, n) into k near-equal spans whose inner boundaries are multiples of `align`. */
function spans(n: number, k: number, align: number): [number, number][] {
  const at = (i: number) => (i === k ? n : Math.round((i * n) / k / align) * align);
  return Array.from({ length: k }, (_, i) => [at(i), at(i + 1) - at(i)]);
}

/**
 * Tiles covering an h × w image with boxes no larger than `tile` pixels a side; one tile when
 * the whole image fits. Every box starts at a multiple of `align` (the network's largest
 * stride), so its pooling grid lines up with the whole image's. Each box adds `overlap`
 * pixels of context (rounded up to a multiple of `align`) around its core.
 */
export function tileLayout(
  h: number,
  w: number,
  tile: number,
  overlap: number,
  align = 1,
): Tile[][] {
  const context = Math.ceil(overlap / align) * align;
  const core = Math.floor((tile - 2 * context - align) / align) * align;
  if (h > tile || w > tile) {
    if (core < Math.max(8, align)) {
      throw new Error(
        `tiles of ${tile} px leave no room for ${context} px of overlap on each side`,
      );
    }
  }
  const count = (n: number) => (n <= tile ? 1 : Math.ceil(n / core));
  const rows = spans(h, count(h), align);
  const cols = spans(w, count(w), align);
  const widen = (start: number, len: number, n: number, k: number): [number, number] => {
    if (k === 1) return [0, n];
    const a = Math.max(0, start - context);
    const b = Math.min(n, start + len + context);
    return [a, b - a];
  };
  return rows.map(([y, hh]) =>
    cols.map(([x, ww]) => {
      const [by, bh] = widen(y, hh, h, rows.length);
      const [bx, bw] = widen(x, ww, w, cols.length);
      return { core: [y, x, hh, ww], box: [by, bx, bh, bw] };
    }),
  );
}

/**
 * The value and gradient of f at x ([1, 3, H, W]), one tile at a time. The value is the sum of
 * the tiles' values weighted by core area over box area: exact for one tile, an estimate for
 * several (context is counted in two tiles). Each tile is submitted on its own so that only
 * one tile's activations are alive at a time.
 */
export function tiledValueAndGrad(
  f: (x: Tensor) => Tensor,
  x: Tensor,
  tiles: Tile[][],
): { value: Tensor; grad: Tensor } {
  if (tiles.length === 1 && tiles[0].length === 1) {
    const { value, grads } = valueAndGrad(f)(x);
    return { value, grad: grads[0] };
  }
  let value: Tensor | null = null;
  const rows: Tensor[] = [];
  for (const row of tiles) {
    const cols: Tensor[] = [];
    for (const { core, box } of row) {
      const part = tidy(() => {
        const [by, bx, bh, bw] = box;
        const crop = narrow(narrow(x, 2, by, bh), 3, bx, bw).contiguous();
        const r = valueAndGrad(f)(crop);
        const [cy, cx, ch, cw] = core;
        const g = narrow(narrow(r.grads[0], 2, cy - by, ch), 3, cx - bx, cw).contiguous();
        return { g, v: r.value.mul((ch * cw) / (bh * bw)) };
      });
      engine.flush();
      cols.push(part.g);
      value = value ? tidy(() => value!.add(part.v)) : part.v;
    }
    rows.push(concat(cols, 3));
  }
  return { value: value!, grad: concat(rows, 2) };
}
