// The three ways VGG weights are named and laid out in the files users bring, and how each maps
// onto our model (torchvision's names and PyTorch layouts: OIHW kernels, [out, in] matrices,
// the classifier reading the pooled map flattened in C, H, W order).
//
//   timm         features.{n}.weight|bias, pre_logits.fc1 as a [4096, 512, 7, 7] conv,
//                pre_logits.fc2 as a [4096, 4096, 1, 1] conv, head.fc [1000, 4096]
//   torchvision  features.{n}.weight|bias, classifier.{0,3,6}.weight|bias
//   keras        block{b}_conv{i}/kernel (HWIO) and /bias, fc1, fc2, predictions with
//                [in, out] kernels; fc1's rows follow Keras's H, W, C flatten order

import {
  VGG_CLASSES,
  VGG_HIDDEN,
  VGG_POOL,
  VGG_WIDTHS,
  type VggArch,
  type VggConfig,
  type VggConv,
  vggSteps,
} from "./architecture.ts";

export type VggDialect = "timm" | "torchvision" | "keras";

/**
 * How a file's tensor becomes ours:
 *   same     identical data and shape
 *   reshape  identical data, our shape (timm's 1×1 and 7×7 "convs" are matrices)
 *   hwio     Keras kernel → permute [3, 2, 0, 1] (HWIO → OIHW; for fc1 the rows, read as
 *            [7, 7, C, out], become [out, C, 7, 7]: C, H, W order)
 *   io       Keras [in, out] matrix → transpose
 */
export type VggLayout = "same" | "reshape" | "hwio" | "io";

/** One weight or bias: our name and shape, the file's name and shape, and the conversion. */
export interface VggParam {
  name: string;
  shape: number[];
  key: string;
  keyShape: number[];
  layout: VggLayout;
  /** The forward step that uses it (vggSteps index). */
  step: number;
  /** Part of the classifier (fc1, fc2, logits): optional in a file, as a whole. */
  classifier: boolean;
}

/** Every parameter of a VGG of this config, named as `dialect` names it, in forward order. */
export function vggParams(config: VggConfig, dialect: VggDialect): VggParam[] {
  const params: VggParam[] = [];
  const c5 = config.widths[4];
  const { hidden, classes } = config;
  vggSteps(config).forEach((s, step) => {
    if (s.kind === "conv") {
      const { block: b, index: i, feature: n, cin, cout } = s.layer as VggConv;
      const ours = [cout, cin, 3, 3];
      const keras = dialect === "keras";
      const prefix = keras ? `block${b}_conv${i}/` : `features.${n}.`;
      params.push(
        {
          name: `features.${n}.weight`,
          shape: ours,
          key: `${prefix}${keras ? "kernel" : "weight"}`,
          keyShape: keras ? [3, 3, cin, cout] : ours,
          layout: keras ? "hwio" : "same",
          step,
          classifier: false,
        },
        bias(`features.${n}.bias`, `${prefix}bias`, cout, step, false),
      );
    } else if (s.kind === "fc") {
      const fc = s.fc as 1 | 2 | 3;
      const inF = fc === 1 ? c5 * VGG_POOL * VGG_POOL : hidden;
      const outF = fc === 3 ? classes : hidden;
      const ours = `classifier.${[0, 3, 6][fc - 1]}`;
      const file = fcKey(dialect, fc);
      params.push(
        {
          name: `${ours}.weight`,
          shape: [outF, inF],
          key: `${file}${dialect === "keras" ? "/kernel" : ".weight"}`,
          keyShape: fcShape(dialect, fc, c5, inF, outF),
          layout: fcLayout(dialect, fc),
          step,
          classifier: true,
        },
        bias(`${ours}.bias`, `${file}${dialect === "keras" ? "/" : "."}bias`, outF, step, true),
      );
    }
  });
  return params;
}

function bias(name: string, key: string, n: number, step: number, classifier: boolean): VggParam {
  return { name, shape: [n], key, keyShape: [n], layout: "same", step, classifier };
}

function fcKey(dialect: VggDialect, fc: 1 | 2 | 3): string {
  if (dialect === "keras") return ["fc1", "fc2", "predictions"][fc - 1];
  if (dialect === "timm") return ["pre_logits.fc1", "pre_logits.fc2", "head.fc"][fc - 1];
  return `classifier.${[0, 3, 6][fc - 1]}`;
}

function fcShape(dialect: VggDialect, fc: 1 | 2 | 3, c5: number, inF: number, outF: number) {
  if (dialect === "keras") return [inF, outF];
  if (dialect === "timm" && fc === 1) return [outF, c5, VGG_POOL, VGG_POOL];
  if (dialect === "timm" && fc === 2) return [outF, inF, 1, 1];
  return [outF, inF];
}

function fcLayout(dialect: VggDialect, fc: 1 | 2 | 3): VggLayout {
  if (dialect === "keras") return fc === 1 ? "hwio" : "io";
  return dialect === "timm" && fc !== 3 ? "reshape" : "same";
}

/** File key → shape, for the whole network: what a complete file of this dialect holds. */
export function vggWeightTable(config: VggConfig, dialect: VggDialect): Map<string, number[]> {
  return new Map(vggParams(config, dialect).map((p) => [p.key, p.keyShape]));
}

/**
 * Keras names as exported from h5 files carry a TensorFlow variable suffix (`kernel:0`) and
 * sometimes the layer name twice (`block1_conv1/block1_conv1/kernel:0`): both are dropped.
 */
export function normalizeKerasKey(key: string): string {
  const k = key.endsWith(":0") ? key.slice(0, -2) : key;
  const parts = k.split("/");
  return parts.length === 3 && parts[0] === parts[1] ? `${parts[1]}/${parts[2]}` : k;
}

const KERAS_KEY = /^(block\d+_conv\d+|fc1|fc2|predictions)\/(kernel|bias)$/;

/**
 * The dialect, from the names alone: any Keras layer name means Keras; else timm's
 * `pre_logits.` or `head.` prefixes mean timm; else `features.`/`classifier.` mean torchvision
 * (a features-only file from timm is indistinguishable, and loads the same either way).
 */
export function detectVggDialect(keys: readonly string[]): VggDialect {
  if (keys.some((k) => KERAS_KEY.test(normalizeKerasKey(k)))) return "keras";
  if (keys.some((k) => k.startsWith("pre_logits.") || k.startsWith("head."))) return "timm";
  if (keys.some((k) => k.startsWith("features.") || k.startsWith("classifier."))) {
    return "torchvision";
  }
  const some = keys.slice(0, 4).map((k) => `"${k}"`);
  throw new Error(
    `cannot tell which VGG weight naming this file uses: expected "features.0.weight" ` +
      `(timm, torchvision) or "block1_conv1/kernel" (Keras); it has ${keys.length} tensors` +
      (some.length ? `, e.g. ${some.join(", ")}` : ""),
  );
}

/** VGG16 or VGG19: whichever complete key set the file's names fit better (ties: VGG16). */
export function detectVggArch(keys: readonly string[], dialect: VggDialect): VggArch {
  const have = new Set(keys);
  const fit = (arch: VggArch) => {
    const expected = new Set(vggWeightTable({ ...realConfig(arch) }, dialect).keys());
    let score = 0;
    for (const k of expected) score += have.has(k) ? 1 : 0;
    for (const k of have) score -= expected.has(k) ? 0 : 1;
    return score;
  };
  return fit("vgg19") > fit("vgg16") ? "vgg19" : "vgg16";
}

function realConfig(arch: VggArch): VggConfig {
  return { arch, widths: [...VGG_WIDTHS], hidden: VGG_HIDDEN, classes: VGG_CLASSES };
}

/**
 * The sizes a file was made for, read from three shapes: the first conv's output channels
 * (the other widths keep VGG's ratios 1:2:4:8:8), the hidden width and the class count.
 * Whatever does not match these is reported as a shape mismatch afterwards.
 */
export function inferVggConfig(
  arch: VggArch,
  dialect: VggDialect,
  shapes: ReadonlyMap<string, readonly number[]>,
): VggConfig {
  const real = realConfig(arch);
  const keyOf = (name: string) => vggParams(real, dialect).find((p) => p.name === name)!.key;
  // Our weight shapes are [out, …]; Keras kernels put out last.
  const out = (name: string) => {
    const s = shapes.get(keyOf(name));
    return s ? (dialect === "keras" ? s.at(-1) : s[0]) : undefined;
  };
  const w0 = out("features.0.weight") ?? VGG_WIDTHS[0];
  return {
    arch,
    widths: VGG_WIDTHS.map((w) => (w / VGG_WIDTHS[0]) * w0),
    hidden: out("classifier.3.weight") ?? out("classifier.0.weight") ?? VGG_HIDDEN,
    classes: out("classifier.6.weight") ?? VGG_CLASSES,
  };
}
