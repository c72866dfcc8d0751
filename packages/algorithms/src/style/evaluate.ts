// The style-transfer loss of one image and its gradient, whole or tile by tile.
//
// Gram matrices are sums over positions, so an image too big for one forward pass still has an
// exact Gram: cut it into tiles whose boxes carry enough context (tiles.ts) and add up the
// Grams of the tiles' cores. The gradient needs the whole Gram first (dE/dĜ = 2k(Ĝ − Â)), so
// the tiled path makes two passes: forwards that add up Ĝ (and the content error), then for
// each tile a forward and backward of the linear stand-in Σ ⟨dE/dĜ, Ĝ_tile⟩, whose gradient is
// that tile's exact share. A tile's box gradient (context included) is added at its place.

import {
  backward,
  detach,
  engine,
  full,
  keep,
  narrow,
  noGrad,
  pad,
  stack,
  sum,
  type Tensor,
  tidy,
} from "@sheep/tensor";
import type { Tile } from "../dream/tiles.ts";
import { type DreamModel, tapsOf } from "../model.ts";
import {
  contentPart,
  type GramNormalization,
  gramFactor,
  gramPart,
  maskAt,
  styleLayerLoss,
  totalVariation,
} from "./losses.ts";

/** What the loss is made of: fixed for a run. */
export interface LossSetup {
  model: DreamModel;
  /** The content layer, or null for pure texture synthesis. */
  contentTap: string | null;
  styleTaps: readonly string[];
  norm: GramNormalization;
  /** Input pixels per activation position of each tap (a power of two). */
  strides: ReadonlyMap<string, number>;
}

/** The weights; read at every evaluation, so they may change while a run goes on. */
export interface LossWeights {
  content: number;
  style: number;
  tv: number;
  /** Per style layer. */
  layers: Readonly<Record<string, number>>;
}

/** What the image is compared with, at the current scale. */
export interface LossTargets {
  /** Â per style tap: the (blended) per-position Grams of the style images [1, C, C]. */
  grams: ReadonlyMap<string, Tensor>;
  /** The content features of each tile's core, in tiles.flat() order. */
  content: readonly Tensor[] | null;
  /** Style only where this [1, 1, H, W] mask is (weights in [0, 1]). */
  mask: Tensor | null;
}

export interface Evaluation {
  /** The weighted terms [content, style layer 1 … L, tv] (their sum is the loss). */
  terms: Tensor;
  /** d loss / d image, [1, 3, H, W]. Kept: the caller disposes it. */
  grad: Tensor;
}

/** Rows [a, a + n) of a box's activation that belong to its core (one axis). */
function coreSpan(core: number, len: number, box: number, actLen: number, full: number, s: number) {
  const a = (core - box) / s;
  const end = core + len >= full ? actLen : (core + len - box) / s;
  return [a, end - a] as const;
}

/** The part of a box's activation (and of the layer's mask) that its tile's core owns. */
export function coreOf(
  act: Tensor,
  tile: Tile,
  s: number,
  [H, W]: readonly [number, number],
  mask: Tensor | null,
) {
  const [cy, cx, ch, cw] = tile.core;
  const [by, bx] = tile.box;
  const [r0, nr] = coreSpan(cy, ch, by, act.shape[2], H, s);
  const [c0, nc] = coreSpan(cx, cw, bx, act.shape[3], W, s);
  const f = narrow(narrow(act, 2, r0, nr), 3, c0, nc);
  if (!mask) return { f, m: undefined, positions: nr * nc };
  // The layer's mask: the pixel mask at ⌈H/s⌉ × ⌈W/s⌉ (at least every layer's size), then
  // the core's rows and columns of it, counted from the image's corner.
  const ml = maskAt(mask, Math.ceil(H / s), Math.ceil(W / s));
  const m = narrow(narrow(ml, 2, cy / s, nr), 3, cx / s, nc);
  return { f, m, positions: nr * nc };
}

function crop(x: Tensor, [by, bx, bh, bw]: readonly number[]) {
  return narrow(narrow(x, 2, by, bh), 3, bx, bw).contiguous();
}

/** Weighted terms of one whole image (one tile), as a differentiable [2 + L] vector. */
function wholeTerms(s: LossSetup, w: LossWeights, t: LossTargets, x: Tensor): Tensor {
  const [H, W] = [x.shape[2], x.shape[3]];
  const taps = s.contentTap ? [s.contentTap, ...s.styleTaps] : s.styleTaps;
  const acts = tapsOf(s.model, x, taps);
  const tile: Tile = { core: [0, 0, H, W], box: [0, 0, H, W] };
  const zero = full([], 0, { like: x });
  const terms: Tensor[] = [];
  if (s.contentTap && t.content) {
    const a = acts.get(s.contentTap)!;
    const { f, positions } = coreOf(a, tile, s.strides.get(s.contentTap)!, [H, W], null);
    terms.push(contentPart(f, t.content[0]).mul(w.content / (a.shape[1] * positions)));
  } else terms.push(zero);
  for (const tap of s.styleTaps) {
    const { f, m, positions } = coreOf(acts.get(tap)!, tile, s.strides.get(tap)!, [H, W], t.mask);
    const g = m ? gramPart(f, 1, m).div(sum(m)) : gramPart(f, positions);
    const lw = w.style * (w.layers[tap] ?? 1);
    terms.push(styleLayerLoss(g, t.grams.get(tap)!, s.norm).mul(lw));
  }
  terms.push(totalVariation(x).mul(w.tv));
  return stack(terms);
}

/** The weighted loss terms of image x ([1, 3, H, W]) and their total's gradient. */
export function evaluate(
  s: LossSetup,
  w: LossWeights,
  t: LossTargets,
  x: Tensor,
  tiles: Tile[][],
): Evaluation {
  if (tiles.flat().length > 1) return evaluateTiled(s, w, t, x, tiles.flat());
  return tidy(() => {
    const xv = detach(x).requiresGrad_();
    const terms = wholeTerms(s, w, t, xv);
    backward(terms, { grad: full(terms.shape, 1, { like: terms }) });
    const grad = xv.grad!;
    xv.grad = null;
    engine.region(grad);
    return { terms: detach(terms), grad: keep(grad) };
  });
}

/** Own a value beyond the tidy scope that made it. */
function own(x: Tensor): Tensor {
  engine.region(x);
  return keep(x);
}

function evaluateTiled(
  s: LossSetup,
  w: LossWeights,
  t: LossTargets,
  x: Tensor,
  tiles: Tile[],
): Evaluation {
  const [H, W] = [x.shape[2], x.shape[3]];
  const taps = s.contentTap ? [s.contentTap, ...s.styleTaps] : s.styleTaps;
  const stride = (tap: string) => s.strides.get(tap)!;
  // Pass 1: Σ over tiles of each layer's Gram (unnormalised) and mask weight, and of the
  // content error; every tile is submitted on its own so one tile's activations live at a time.
  const sums = new Map<string, { g: Tensor; m: Tensor | number }>();
  let contentErr: Tensor | null = null;
  let contentCount = 0;
  const add = (old: Tensor | null, v: Tensor) => {
    const next = own(old ? old.add(v) : v.add(0));
    old?.dispose();
    return next;
  };
  for (const [i, tile] of tiles.entries()) {
    noGrad(() =>
      tidy(() => {
        const acts = tapsOf(s.model, crop(x, tile.box), taps);
        if (s.contentTap && t.content) {
          const a = acts.get(s.contentTap)!;
          const { f, positions } = coreOf(a, tile, stride(s.contentTap), [H, W], null);
          contentErr = add(contentErr, contentPart(f, t.content[i]));
          contentCount += a.shape[1] * positions;
        }
        for (const tap of s.styleTaps) {
          const { f, m, positions } = coreOf(acts.get(tap)!, tile, stride(tap), [H, W], t.mask);
          const prev = sums.get(tap);
          const g = add(prev?.g ?? null, gramPart(f, 1, m));
          const mw = m
            ? add((prev?.m as Tensor | undefined) ?? null, sum(m))
            : ((prev?.m as number | undefined) ?? 0) + positions;
          sums.set(tap, { g, m: mw });
        }
      }),
    );
    engine.flush();
  }
  // The whole image's terms, and dE/dĜ for each layer (the seed of pass 2).
  const { terms, seeds } = tidy(() => {
    const terms: Tensor[] = [];
    terms.push(contentErr ? contentErr.mul(w.content / contentCount) : full([], 0, { like: x }));
    const seeds = new Map<string, Tensor>();
    for (const tap of s.styleTaps) {
      const { g, m } = sums.get(tap)!;
      const gHat = g.div(m);
      const a = t.grams.get(tap)!;
      const lw = w.style * (w.layers[tap] ?? 1);
      terms.push(styleLayerLoss(gHat, a, s.norm).mul(lw));
      // E = lw·k·Σ(Ĝ − Â)², Ĝ = Σ_tiles G_t / m:  dE/dG_t = 2·lw·k·(Ĝ − Â) / m
      const k = gramFactor(s.norm, g.shape[1]);
      seeds.set(
        tap,
        own(
          gHat
            .sub(a)
            .mul(2 * lw * k)
            .div(m),
        ),
      );
    }
    terms.push(totalVariation(x).mul(w.tv));
    return { terms: own(stack(terms)), seeds };
  });
  for (const { g, m } of sums.values()) {
    g.dispose();
    if (typeof m !== "number") m.dispose();
  }
  (contentErr as Tensor | null)?.dispose();
  // Pass 2: each tile's share of the gradient, added into the whole image's.
  let grad = own(
    tidy(() => {
      const xv = detach(x).requiresGrad_();
      backward(totalVariation(xv).mul(w.tv));
      const gx = xv.grad!;
      xv.grad = null; // disposing xv would dispose its gradient too
      return gx;
    }),
  );
  for (const [i, tile] of tiles.entries()) {
    const next = tidy(() => {
      const xv = detach(crop(x, tile.box)).requiresGrad_();
      const acts = tapsOf(s.model, xv, taps);
      let f: Tensor = full([], 0, { like: x });
      if (s.contentTap && t.content) {
        const core = coreOf(acts.get(s.contentTap)!, tile, stride(s.contentTap), [H, W], null);
        f = f.add(contentPart(core.f, t.content[i]).mul(w.content / contentCount));
      }
      for (const tap of s.styleTaps) {
        const { f: fc, m } = coreOf(acts.get(tap)!, tile, stride(tap), [H, W], t.mask);
        f = f.add(sum(gramPart(fc, 1, m).mul(seeds.get(tap)!)));
      }
      backward(f);
      const [by, bx, bh, bw] = tile.box;
      const gx = xv.grad!;
      xv.grad = null;
      const sumSoFar = own(grad.add(pad(gx, [bx, W - bx - bw, by, H - by - bh])));
      gx.dispose(); // backward keeps the gradients it writes
      return sumSoFar;
    });
    grad.dispose();
    grad = next;
    engine.flush();
  }
  for (const v of seeds.values()) v.dispose();
  return { terms, grad };
}

/** Each style tap's per-position Gram of `image` (tile by tile when `tiles` has several). */
export function styleGrams(
  s: Pick<LossSetup, "model" | "strides">,
  taps: readonly string[],
  image: Tensor,
  tiles: Tile[][],
): Map<string, Tensor> {
  const [H, W] = [image.shape[2], image.shape[3]];
  const sums = new Map<string, { g: Tensor; n: number }>();
  for (const tile of tiles.flat()) {
    noGrad(() =>
      tidy(() => {
        const acts = tapsOf(s.model, crop(image, tile.box), taps);
        for (const tap of taps) {
          const { f, positions } = coreOf(acts.get(tap)!, tile, s.strides.get(tap)!, [H, W], null);
          const prev = sums.get(tap);
          const g = own(prev ? prev.g.add(gramPart(f, 1)) : gramPart(f, 1));
          prev?.g.dispose();
          sums.set(tap, { g, n: (prev?.n ?? 0) + positions });
        }
      }),
    );
    engine.flush();
  }
  const out = new Map<string, Tensor>();
  for (const [tap, { g, n }] of sums) {
    out.set(tap, own(noGrad(() => g.div(n))));
    g.dispose();
  }
  return out;
}

/** The content features of every tile's core at `tap`, in tiles.flat() order (kept). */
export function contentTargets(
  s: Pick<LossSetup, "model" | "strides">,
  tap: string,
  image: Tensor,
  tiles: Tile[][],
): Tensor[] {
  const [H, W] = [image.shape[2], image.shape[3]];
  return tiles.flat().map((tile) => {
    const f = noGrad(() =>
      tidy(() => {
        const act = tapsOf(s.model, crop(image, tile.box), [tap]).get(tap)!;
        return own(coreOf(act, tile, s.strides.get(tap)!, [H, W], null).f.contiguous());
      }),
    );
    engine.flush();
    return f;
  });
}
