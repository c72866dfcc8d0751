// `sheep explain IMAGE --method M --out FILE`: where a classifier looks. The attribution map
// (occlusion, saliency, SmoothGrad, Integrated Gradients or Grad-CAM) drawn over the image.

import {
  classIndex,
  gradCam,
  integratedGradients,
  occlusion,
  overlayHeatmap,
  saliency,
  smoothGrad,
} from "@sheep/algorithms/node";
import { nchwToImage, writeImageFile } from "@sheep/io";
import { init } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";
import { ProgressBar } from "../progress.ts";
import { CLASSIFIERS, formatRanked, imageFor, loadClassifier, topClasses } from "./classifier.ts";

const METHODS = ["occlusion", "saliency", "smoothgrad", "ig", "gradcam"] as const;

/** Grad-CAM's layer when --layer is not given: each net's last convolutional map. */
const LAST_MAP: Record<string, string> = {
  googlenet: "inception_5b/output",
  squeezenet: "fire9/concat",
  "fashion-cnn": "conv2",
  "lenet-mnist": "conv2",
  vgg16: "block5_conv3",
  vgg19: "block5_conv4",
};

const USAGE = `sheep explain IMAGE --method M --out FILE [flags]

  IMAGE           a PNG or JPEG (resized to the model's input; grey for the small nets)
  --method M      ${METHODS.join(", ")}
  --out FILE      the heatmap over the image (PNG or JPEG)
  --model M       ${CLASSIFIERS} (default: the CLI's default ImageNet net)
  --target CLASS  the class to explain (a number or a name); default the top class
  --layer L       gradcam: the tap (default the last conv map: ${Object.entries(LAST_MAP)
    .map(([m, l]) => `${m} ${l}`)
    .join(", ")})
  --window W      occlusion: window side in pixels (default ¼ of the image);
  --stride S      its step (default W/2); --baseline B its grey (default 0.5)
  --samples N     smoothgrad: noisy copies (default 16)
  --steps N       ig: path points (default 32)
  --batch N       images per forward (default 32)`;

export const explainCommand: Command = {
  name: "explain",
  summary: "where a classifier looks: occlusion, saliency, SmoothGrad, IG or Grad-CAM heatmaps",
  usage: USAGE,
  options: {
    method: { type: "string" },
    out: { type: "string" },
    model: { type: "string" },
    target: { type: "string" },
    layer: { type: "string" },
    window: { type: "string" },
    stride: { type: "string" },
    baseline: { type: "string" },
    samples: { type: "string" },
    steps: { type: "string" },
    batch: { type: "string" },
  },
  async run(v, [image, ...extra]) {
    if (!image) throw new UsageError("sheep explain needs an IMAGE (see `sheep explain --help`)");
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const method = v.method as (typeof METHODS)[number] | undefined;
    if (!method || !METHODS.includes(method)) {
      throw new UsageError(`--method must be one of ${METHODS.join(", ")}, got "${method ?? ""}"`);
    }
    if (!v.out) throw new UsageError("sheep explain needs --out FILE (PNG or JPEG)");
    const window = num(v.window, "window", { int: true, min: 1 });
    const stride = num(v.stride, "stride", { int: true, min: 1 });
    const baseline = num(v.baseline, "baseline");
    const samples = num(v.samples, "samples", { int: true, min: 1 });
    const steps = num(v.steps, "steps", { int: true, min: 1 });
    const batchSize = num(v.batch, "batch", { int: true, min: 1 });
    await init();
    const model = await loadClassifier(v.model as string | undefined);
    const target = v.target === undefined ? undefined : classIndex(model, v.target as string);
    const x = await imageFor(model, image);
    const [c, h, w] = x.shape.slice(1);
    const started = performance.now();
    let heat: Float32Array;
    let explained: number;
    let note = "";
    if (method === "occlusion") {
      const bar = new ProgressBar("occlusion", 1);
      const map = await occlusion(model, x, {
        window,
        stride,
        baseline,
        target,
        batchSize,
        onProgress: (d, t) => bar.update(d, "windows", t),
      });
      bar.finish();
      [heat, explained] = [map.heat, map.target];
      note = `${map.windows} windows`;
    } else if (method === "gradcam") {
      const layer = (v.layer as string | undefined) ?? LAST_MAP[model.name];
      if (!layer) throw new UsageError(`--layer is needed for ${model.name}`);
      const cam = await gradCam(model, x, layer, { target });
      [heat, explained] = [cam.heat, cam.target];
      note = `layer ${layer} (${cam.tapWidth}×${cam.tapHeight})`;
    } else if (method === "ig") {
      const ig = await integratedGradients(model, x, { target, steps, batchSize });
      [heat, explained] = [ig.heat, ig.target];
      note = `Σ attributions ${ig.total.toFixed(3)} vs z(x) − z(black) ${ig.delta.toFixed(3)}`;
    } else {
      const run = method === "saliency" ? saliency : smoothGrad;
      const a = await run(model, x, { target, samples, batchSize });
      [heat, explained] = [a.heat, a.target];
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`${model.name}, ${w}×${h}, top classes:`);
    console.log((await topClasses(model, x)).map(formatRanked).join("\n"));
    const label = model.classes?.[explained] ?? `class ${explained}`;
    console.log(
      `${method} for "${label}" (${explained})${note ? `, ${note}` : ""}: ${seconds.toFixed(1)} s`,
    );
    const rgb = overlayHeatmap(Float32Array.from(await x.data()), c, heat, h, w);
    await writeImageFile(v.out as string, nchwToImage(rgb, [1, 3, h, w]));
    console.log(`wrote ${v.out}`);
    return 0;
  },
};
