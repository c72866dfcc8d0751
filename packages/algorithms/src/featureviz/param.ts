// Image parameterisations: what the optimiser actually changes, and how that becomes an RGB
// image in [0, 1]. Pixels or a 1/f-scaled spectrum; optionally decorrelated colour; a sigmoid
// to keep values in range (Lucid's to_valid_rgb) or raw pixels (the classic naive recipe).

import { keep, rand, randn, sigmoid, type Tensor, tensor } from "@sheep/tensor";
import { decorrelate } from "./colour.ts";
import { dftTables, halfWidth, irfft2, spectrumScale } from "./fourier.ts";

export interface ParamOptions {
  kind: "pixel" | "fourier";
  decorrelate: boolean;
  /** Squash into [0, 1] with a sigmoid; otherwise pixels start grey plus noise and are raw. */
  sigmoid: boolean;
  batch: number;
  size: number;
  seed: number;
}

export interface ImageParam {
  /** The tensors to optimise (kept; dispose() frees them). */
  readonly params: Tensor[];
  /** The current image [batch, 3, size, size]; in [0, 1] when sigmoid is on. */
  image(): Tensor;
  dispose(): void;
}

/**
 * Lucid divides the Fourier image by 4 before the sigmoid: an empirical constant that keeps
 * early steps from saturating it. We keep it so Adam's learning rate 0.05 transfers.
 */
const FOURIER_GAIN = 1 / 4;
/** Initial spread of the parameters (Lucid: sd = 0.01), so the image starts nearly grey. */
const INIT_SD = 0.01;
/** The naive recipe's start: grey plus uniform noise of ±10 levels (Chollet 2016: 128 + 0…20). */
const NAIVE_NOISE = 10 / 255;

export function imageParam(o: ParamOptions): ImageParam {
  const { batch: b, size: s, seed } = o;
  const params: Tensor[] = [];
  const param = (t: Tensor) => {
    params.push(keep(t).requiresGrad_());
    return t;
  };
  let linear: () => Tensor;
  let owned: Tensor[] = [];
  if (o.kind === "fourier") {
    const kx = halfWidth(s);
    const re = param(randn([b, 3, s, kx], { seed, std: INIT_SD }));
    const im = param(randn([b, 3, s, kx], { seed: seed + 1, std: INIT_SD }));
    const tables = dftTables(s, s, re.backend.kind);
    const scale = tensor(spectrumScale(s, s), { shape: [s, kx], backend: re.backend.kind });
    owned = [tables.cosX, tables.sinX, tables.cosY, tables.sinY, scale].map((t) => keep(t));
    linear = () => irfft2(re.mul(scale), im.mul(scale), tables).mul(FOURIER_GAIN);
  } else if (o.sigmoid) {
    const px = param(randn([b, 3, s, s], { seed, std: INIT_SD }));
    linear = () => px;
  } else {
    const px = param(rand([b, 3, s, s], { seed, low: 0.5 - NAIVE_NOISE, high: 0.5 + NAIVE_NOISE }));
    linear = () => px;
  }
  return {
    params,
    image() {
      const x = linear();
      if (o.sigmoid) return sigmoid(o.decorrelate ? decorrelate(x) : x);
      // raw pixels live around grey: mix their deviation from it
      return o.decorrelate ? decorrelate(x.sub(0.5)).add(0.5) : x;
    },
    dispose() {
      for (const t of [...params, ...owned]) t.dispose();
    },
  };
}
