// What style transfer optimises: the pixels themselves (Gatys; neural-style), or a decorrelated-
// colour, 1/f-scaled spectrum added to a starting image in logit space (Mordvintsev et al.,
// "Differentiable Image Parameterizations", Distill 2018, whose style-transfer section shows
// that this lets networks other than VGG transfer style well):
//
//   image = sigmoid(logit(start) + decorrelate(irfft2(spectrum · scale)))
//
// With the spectrum at zero the image is exactly the start (content, a style, or grey), so
// every init works and coarse-to-fine scales restart from the upsampled result.

import { keep, randn, type Tensor, tensor } from "@sheep/tensor";
import { decorrelate } from "../featureviz/colour.ts";
import { dftTables, halfWidth, irfft2, spectrumScale } from "../featureviz/fourier.ts";

export type Parameterization = "pixel" | "fourier";

export interface StyleParam {
  /** The tensors to optimise (kept; dispose() frees them). */
  readonly params: Tensor[];
  /** The current image [1, 3, H, W] (pixel: unclamped; fourier: in (0, 1)). */
  image(): Tensor;
  dispose(): void;
}

/** The start image itself, as a kept leaf that requires grad. */
export function pixelParam(start: Tensor): StyleParam {
  const px = keep(start.add(0)).requiresGrad_();
  return { params: [px], image: () => px, dispose: () => px.dispose() };
}

/** Lucid's gain on the Fourier image before the sigmoid (see featureviz/param.ts). */
const FOURIER_GAIN = 1 / 4;
/** How far from 0 and 1 the start is kept, so that its logit is finite. */
const EDGE = 1e-3;

/**
 * The spectrum param around `start` ([1, 3, H, W] in [0, 1]); `sd` is the spread of the random
 * initial spectrum (0: start exactly at `start`).
 */
export function fourierParam(start: Tensor, sd: number, seed: number): StyleParam {
  const [h, w] = [start.shape[2], start.shape[3]];
  const kx = halfWidth(w);
  const backend = start.backend.kind;
  const spectrum = (s: number) =>
    keep(randn([1, 3, h, kx], { seed: s, std: sd, backend })).requiresGrad_();
  const re = spectrum(seed);
  const im = spectrum(seed + 1);
  const tables = dftTables(h, w, backend);
  const scale = keep(tensor(spectrumScale(h, w), { shape: [h, kx], backend }));
  const owned = [tables.cosX, tables.sinX, tables.cosY, tables.sinY].map((t) => keep(t));
  const c = start.clamp(EDGE, 1 - EDGE);
  const logit = keep(c.div(c.neg().add(1)).log());
  return {
    params: [re, im],
    image: () => {
      const wave = irfft2(re.mul(scale), im.mul(scale), tables).mul(FOURIER_GAIN);
      return logit.add(decorrelate(wave)).sigmoid();
    },
    dispose() {
      for (const t of [re, im, scale, logit, ...owned]) t.dispose();
    },
  };
}
