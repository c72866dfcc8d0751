// Neural style transfer (Gatys, Ecker & Bethge, 2016): optimise an image so that its features
// at one layer match a photo's (content) and the Gram matrices of its features at several layers
// match a painting's (style), with a total-variation term against noise. L-BFGS by default, as
// neural-style; Adam as the alternative. Around that core: several styles with blend weights,
// style scale, colour preservation, coarse-to-fine scales, iterate averaging, a spatial mask,
// the Fourier parameterisation, and tiles for images past the device's binding limits.

import { backward, engine, keep, optim, rand, resize2d, type Tensor, tidy } from "@sheep/tensor";
import { autoTileSize, profileModel } from "../common/profile.ts";
import { type OnProgress, octaveSizes } from "../dream/dream.ts";
import { tileLayout } from "../dream/tiles.ts";
import type { DreamModel } from "../model.ts";
import { luminanceImage, luminanceInputs, matchColours, withChromaOf } from "./colour.ts";
import {
  contentTargets,
  evaluate,
  type LossSetup,
  type LossTargets,
  type LossWeights,
  styleGrams,
} from "./evaluate.ts";
import {
  blendWeights,
  checkOptions,
  type StyleOptions,
  type StyleProgress,
  type StyleResult,
  type StyleStep,
} from "./options.ts";
import { fourierParam, pixelParam, type StyleParam } from "./param.ts";

export type { StyleOptions, StyleProgress, StyleResult, StyleStep } from "./options.ts";
export { blendWeights } from "./options.ts";

function own(t: Tensor): Tensor {
  engine.region(t);
  return keep(t);
}

/** Stylise `content` with `styles` (each [1, 3, h, w] in [0, 1]); see StyleOptions. */
export async function stylize(
  model: DreamModel,
  content: Tensor,
  styles: readonly Tensor[],
  options: StyleOptions = {},
  onProgress?: OnProgress<StyleProgress>,
  signal?: AbortSignal,
): Promise<StyleResult> {
  const { layers, steps, styleScale, average, seed, optimizer, paramKind, preserve, init } =
    checkOptions(model, content, styles, options);
  const o = options;
  const [H, W] = [content.shape[2], content.shape[3]];

  const styleTaps = Object.keys(layers.style);
  const taps = layers.content ? [layers.content, ...styleTaps] : styleTaps;
  const profile = profileModel(model, taps);
  // each tap's stride as a power of two; tiles start on the coarsest tap's grid
  const strides = new Map(
    taps.map((t) => [t, 2 ** Math.max(0, Math.round(Math.log2(profile.taps.get(t)!.stride ?? 1)))]),
  );
  const align = Math.max(...strides.values());
  const tileSide =
    o.tile === "off"
      ? null
      : typeof o.tile === "number"
        ? o.tile
        : autoTileSize(profile, engine.info.limits, o.tileMemory ?? 2 ** 30);
  const overlap = o.tileOverlap ?? 64;
  const layout = (h: number, w: number) =>
    tileLayout(h, w, tileSide ?? Math.max(h, w), overlap, align);
  const setup: LossSetup = {
    model,
    contentTap: layers.content,
    styleTaps,
    norm: o.normalization ?? "neural-style",
    strides,
  };

  // Colour preservation works on the inputs; "luminance" puts the chroma back at the end.
  const owned: Tensor[] = [];
  const mine = (t: Tensor) => {
    owned.push(own(t));
    return t;
  };
  const contentIn = preserve === "luminance" ? mine(tidy(() => luminanceImage(content))) : content;
  const stylesIn: Tensor[] = [];
  for (const s of styles) {
    if (preserve === "luminance") stylesIn.push(mine(await luminanceInputs(content, s)));
    else if (preserve === "match") stylesIn.push(mine(await matchColours(s, content)));
    else stylesIn.push(s);
  }

  const minSize = model.minSize?.(taps) ?? 1;
  const sizes = octaveSizes(H, W, o.scales ?? 1, o.scaleRatio ?? 2, minSize);
  const record: StyleStep[] = [];
  let current: Tensor | null = null; // the latest result, kept
  let done = 0;
  const totalSteps = sizes.length * steps;
  try {
    for (const [k, size] of sizes.entries()) {
      const [h, w] = size;
      const tiles = layout(h, w);
      const contentS = mine(tidy(() => resizeTo(contentIn, size)));
      // Style images: longer side = styleScale × the output's longer side (neural-style).
      const perStyle = stylesIn.map((s) =>
        tidy(() => {
          const f = (styleScale * Math.max(h, w)) / Math.max(s.shape[2], s.shape[3]);
          const sz: [number, number] = [
            Math.max(minSize, Math.round(s.shape[2] * f)),
            Math.max(minSize, Math.round(s.shape[3] * f)),
          ];
          const img = resizeTo(s, sz);
          return styleGrams(setup, styleTaps, img, layout(sz[0], sz[1]));
        }),
      );
      const content_ = layers.content
        ? contentTargets(setup, layers.content, contentS, tiles)
        : null;
      const mask = o.mask ? mine(tidy(() => resizeTo(o.mask!, size))) : null;
      // The start: the init at the first scale, the last scale's result upsampled after.
      const start = tidy(() => {
        if (current) return resizeTo(current, size);
        if (init === "noise") return rand([1, 3, h, w], { seed, backend: content.backend.kind });
        if (init === "style") return resizeTo(stylesIn[0], size);
        return contentS.add(0);
      });
      const param: StyleParam =
        paramKind === "fourier"
          ? fourierParam(start, init === "noise" && !current ? 0.01 : 0, seed)
          : pixelParam(start);
      start.dispose();
      const lbfgs = optimizer === "lbfgs";
      const opt = lbfgs
        ? new optim.LBFGS(param.params, {
            lr: o.lr ?? 1,
            maxIter: 1,
            toleranceGrad: 0,
            toleranceChange: 0,
          })
        : new optim.Adam(param.params, { lr: o.lr ?? (paramKind === "fourier" ? 0.05 : 0.02) });
      let avg: Tensor | null = null;
      let lastTerms: Tensor | null = null;
      try {
        // The loss and the parameters' gradients at the current parameters.
        const closure = () => {
          opt.zeroGrad();
          const weights: LossWeights = {
            content: o.contentWeight ?? 5,
            style: o.styleWeight ?? layers.styleWeight ?? 100,
            tv: o.tvWeight ?? layers.tvWeight ?? 1e-3,
            layers: layers.style,
          };
          const targets: LossTargets = {
            grams: blended(perStyle, styleTaps, o.blend),
            content: content_,
            mask,
          };
          const ev = tidy(() => {
            const img = param.image();
            const e = evaluate(setup, weights, targets, img.detach(), tiles);
            // into the parameters: the image is the parameter itself, or a function of it
            if (img === param.params[0]) img.grad = e.grad;
            else {
              backward(img, { grad: e.grad });
              e.grad.dispose();
            }
            return e.terms;
          });
          for (const t of targets.grams.values()) t.dispose();
          lastTerms?.dispose();
          lastTerms = own(ev);
          return own(ev.sum());
        };
        for (let s = 1; s <= steps; s++) {
          if (signal?.aborted) break;
          if (lbfgs) await (opt as optim.LBFGS).step(closure);
          else {
            (await closure()).dispose();
            (opt as optim.Adam).step();
          }
          const t = [...(await (lastTerms as Tensor | null)!.data())];
          const step: StyleStep = {
            scale: k,
            step: s,
            total: t.reduce((a, v) => a + v, 0),
            content: t[0],
            style: Object.fromEntries(styleTaps.map((tap, i) => [tap, t[1 + i]])),
            tv: t[t.length - 1],
          };
          record.push(step);
          done++;
          // iterate averaging: the running mean of the last `average` images
          const img = tidy(() => param.image().detach());
          if (average > 0) {
            const n = Math.min(s, average);
            const next: Tensor = own(tidy(() => (avg ? avg.add(img.sub(avg).div(n)) : img.add(0))));
            avg?.dispose();
            avg = next;
          }
          const now = avg ?? img;
          const every = o.previewEvery ?? 0;
          const preview = every > 0 && done % every === 0 ? tidy(() => now.clamp(0, 1)) : undefined;
          await onProgress?.({
            ...step,
            scales: sizes.length,
            steps,
            done,
            totalSteps,
            size,
            tiles: tiles.flat().length,
            preview,
          });
          preview?.dispose();
          img.dispose();
        }
        const result = own(tidy(() => (avg ?? param.image()).detach().add(0)));
        current?.dispose();
        current = result;
      } finally {
        opt.dispose();
        param.dispose();
        (avg as Tensor | null)?.dispose();
        (lastTerms as Tensor | null)?.dispose();
        for (const m of perStyle) for (const g of m.values()) g.dispose();
        for (const c of content_ ?? []) c.dispose();
      }
      if (signal?.aborted) break;
    }
    const final = current!;
    const image = own(
      tidy(() => {
        const full = resizeTo(final, [H, W]);
        return preserve === "luminance" ? withChromaOf(full, content) : full.clamp(0, 1);
      }),
    );
    return { image, record };
  } finally {
    (current as Tensor | null)?.dispose();
    for (const t of owned) t.dispose();
  }
}

/** Â = Σ_k b_k·Â_k for every style tap (fresh tensors: the caller disposes them). */
function blended(
  perStyle: readonly Map<string, Tensor>[],
  taps: readonly string[],
  blend: readonly number[] | undefined,
): Map<string, Tensor> {
  const b = blendWeights(blend, perStyle.length);
  return new Map(
    taps.map((tap) => [
      tap,
      own(tidy(() => perStyle.map((m, i) => m.get(tap)!.mul(b[i])).reduce((a, x) => a.add(x)))),
    ]),
  );
}

function resizeTo(x: Tensor, [h, w]: readonly [number, number]): Tensor {
  return x.shape[2] === h && x.shape[3] === w ? x.add(0) : resize2d(x, [h, w]);
}
