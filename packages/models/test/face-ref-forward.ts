// A naive float64 forward pass of the face-recognition ResNet: plain NCHW loops, no tfjs.
//
// Written to be obviously correct, not fast: it is the yardstick for the converted weights (it
// must reproduce face-api's descriptors) and, later, for the engine's GPU implementation.

import { FACE_BLOCKS, FACE_FC, FACE_INPUT, FACE_STEM } from "../src/face/architecture.ts";

/** One image's activations: channels × height × width, row-major, float64. */
export interface Act {
  c: number;
  h: number;
  w: number;
  data: Float64Array;
}

export interface Weight {
  shape: number[];
  data: Float32Array;
}

const act = (c: number, h: number, w: number): Act => ({
  c,
  h,
  w,
  data: new Float64Array(c * h * w),
});

/**
 * 2-D cross-correlation, weight OIHW, symmetric zero padding `pad`:
 * out[o, y, x] = bias[o] + Σ_{i, ky, kx} w[o, i, ky, kx] · x[i, y·s + ky − pad, x·s + kx − pad].
 */
export function conv2d(x: Act, w: Weight, bias: Weight, stride: number, pad: number): Act {
  const [cout, cin, kh, kw] = w.shape;
  if (cin !== x.c) throw new Error(`conv2d: input has ${x.c} channels, weight expects ${cin}`);
  const outH = Math.floor((x.h + 2 * pad - kh) / stride) + 1;
  const outW = Math.floor((x.w + 2 * pad - kw) / stride) + 1;
  const out = act(cout, outH, outW);
  for (let o = 0; o < cout; o++) {
    const plane = o * out.h * out.w;
    out.data.fill(bias.data[o], plane, plane + out.h * out.w);
    for (let i = 0; i < cin; i++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const wv = w.data[((o * cin + i) * kh + ky) * kw + kx];
          for (let oy = 0; oy < out.h; oy++) {
            const iy = oy * stride + ky - pad;
            if (iy < 0 || iy >= x.h) continue;
            for (let ox = 0; ox < out.w; ox++) {
              const ix = ox * stride + kx - pad;
              if (ix < 0 || ix >= x.w) continue;
              out.data[plane + oy * out.w + ox] += wv * x.data[(i * x.h + iy) * x.w + ix];
            }
          }
        }
      }
    }
  }
  return out;
}

/** Per-channel affine (dlib's `affine` layer, face-api's "scale"): out = w[c] · x + b[c]. */
export function affine(x: Act, w: Weight, b: Weight): Act {
  const out = act(x.c, x.h, x.w);
  const hw = x.h * x.w;
  for (let i = 0; i < out.data.length; i++) {
    const c = Math.floor(i / hw);
    out.data[i] = w.data[c] * x.data[i] + b.data[c];
  }
  return out;
}

export function relu(x: Act): Act {
  return { ...x, data: x.data.map((v) => Math.max(v, 0)) };
}

/** k×k pooling with stride s and no padding ('valid'): max or mean of each window. */
export function pool(x: Act, k: number, s: number, kind: "max" | "avg"): Act {
  const out = act(x.c, Math.floor((x.h - k) / s) + 1, Math.floor((x.w - k) / s) + 1);
  for (let c = 0; c < x.c; c++) {
    for (let oy = 0; oy < out.h; oy++) {
      for (let ox = 0; ox < out.w; ox++) {
        let acc = kind === "max" ? Number.NEGATIVE_INFINITY : 0;
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const v = x.data[(c * x.h + oy * s + ky) * x.w + ox * s + kx];
            acc = kind === "max" ? Math.max(acc, v) : acc + v;
          }
        }
        out.data[(c * out.h + oy) * out.w + ox] = kind === "max" ? acc : acc / (k * k);
      }
    }
  }
  return out;
}

/** Zero-pads to c × h × w: new channels after the old, new rows below, new columns right. */
export function padTo(x: Act, c: number, h: number, w: number): Act {
  const out = act(c, h, w);
  for (let ci = 0; ci < x.c; ci++) {
    for (let y = 0; y < x.h; y++) {
      for (let xx = 0; xx < x.w; xx++) {
        out.data[(ci * h + y) * w + xx] = x.data[(ci * x.h + y) * x.w + xx];
      }
    }
  }
  return out;
}

export function add(a: Act, b: Act): Act {
  return { ...a, data: a.data.map((v, i) => v + b.data[i]) };
}

type Weights = Map<string, Weight>;

function get(weights: Weights, name: string): Weight {
  const t = weights.get(name);
  if (!t) throw new Error(`missing weight ${name}`);
  return t;
}

/** conv (+bias) → affine, as in face-api's convLayer; `pad` 1 is 'same' for a 3×3, stride 1. */
function convAffine(
  x: Act,
  weights: Weights,
  prefix: string,
  n: string,
  stride: number,
  pad: number,
) {
  const y = conv2d(
    x,
    get(weights, `${prefix}.conv${n}.weight`),
    get(weights, `${prefix}.conv${n}.bias`),
    stride,
    pad,
  );
  return affine(
    y,
    get(weights, `${prefix}.affine${n}.weight`),
    get(weights, `${prefix}.affine${n}.bias`),
  );
}

export interface Stage {
  name: string;
  value: Act;
}

/** HWC 0..255 RGB pixels (150×150) → the NCHW network input, normalised as face-api does. */
export function normaliseInput(pixels: Float32Array): Act {
  const n = FACE_INPUT.size;
  const out = act(3, n, n);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < n * n; p++) {
      out.data[c * n * n + p] = (pixels[p * 3 + c] - FACE_INPUT.meanRgb[c]) / FACE_INPUT.divisor;
    }
  }
  return out;
}

/** The whole network: returns the 128-D descriptor and every stage face-reference.json lists. */
export function faceForward(weights: Weights, pixels: Float32Array) {
  const input = normaliseInput(pixels);
  const stages: Stage[] = [{ name: "input", value: input }];
  // Stem: 7×7 stride-2 'valid' conv, affine, ReLU, then 3×3 stride-2 'valid' max-pool.
  let h = relu(convAffine(input, weights, FACE_STEM.name, "", 2, 0));
  stages.push({ name: "stem.conv", value: h });
  h = pool(h, 3, 2, "max");
  stages.push({ name: "stem.maxpool", value: h });
  for (const b of FACE_BLOCKS) {
    // 'valid' stride-2 conv1 in down blocks; 'same' (pad 1) stride-1 everywhere else.
    let out = relu(convAffine(h, weights, b.name, "1", b.down ? 2 : 1, b.down ? 0 : 1));
    out = convAffine(out, weights, b.name, "2", 1, 1);
    let shortcut = h;
    if (b.down) {
      shortcut = pool(h, 2, 2, "avg");
      // Sizes can disagree (8×8 → conv 3×3 but pool 4×4): zero-pad both to the larger.
      const size = Math.max(out.h, shortcut.h);
      out = padTo(out, out.c, size, size);
      shortcut = padTo(shortcut, out.c, size, size);
    }
    h = relu(add(out, shortcut));
    stages.push({ name: b.name, value: h });
  }
  const pooled = act(h.c, 1, 1);
  for (let c = 0; c < h.c; c++) {
    let s = 0;
    for (let p = 0; p < h.h * h.w; p++) s += h.data[c * h.h * h.w + p];
    pooled.data[c] = s / (h.h * h.w);
  }
  stages.push({ name: "avgpool", value: pooled });
  const fc = get(weights, `${FACE_FC.name}.weight`);
  const descriptor = new Float64Array(FACE_FC.out);
  for (let o = 0; o < FACE_FC.out; o++) {
    for (let i = 0; i < FACE_FC.in; i++)
      descriptor[o] += fc.data[o * FACE_FC.in + i] * pooled.data[i];
  }
  return { descriptor, stages };
}
