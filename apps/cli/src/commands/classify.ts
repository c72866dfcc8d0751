// `sheep classify IMAGE [--model M] [--weights FILE] [--top K] [--json]`: the most probable
// ImageNet classes of an image under GoogLeNet (the default, shipped), SqueezeNet, or a
// VGG16/VGG19 in any of the three weight dialects (timm, torchvision, Keras).

import { existsSync } from "node:fs";
import { imageToNCHW, readImageFile } from "@sheep/io";
import {
  classify as classifyImage,
  IMAGENET_LABELS_ATTRIBUTION,
  loadGoogLeNetFile,
  loadSqueezeNetFile,
  loadVggFile,
  type Prediction,
  weightsPath,
} from "@sheep/models/node";
import { init, tensor } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";

const USAGE = `sheep classify IMAGE [--model M] [--weights FILE] [--top K] [--json]

  IMAGE          a PNG or JPEG file
  --model M      googlenet (default, shipped with sheep), squeezenet (shipped), vgg16 or vgg19
  --weights FILE weights for --model; alone, VGG16/VGG19 safetensors with timm, torchvision or
                 Keras names (VGG default: vgg16 from the cache, after \`sheep weights pull vgg16\`)
  --top K        how many classes to list (default 5)
  --json         {"image", "weights", "arch", "dialect",
                  "predictions": [{"index", "label", "probability"}]}

Labels: ${IMAGENET_LABELS_ATTRIBUTION}`;

/** The pulled vgg16, or an error that says how to get weights. */
function defaultWeights(): string {
  const path = weightsPath("vgg16");
  if (existsSync(path)) return path;
  throw new Error(
    "no VGG weights: pass --weights FILE (a VGG16/VGG19 .safetensors with timm, torchvision or " +
      "Keras names), or download VGG16 first with `sheep weights pull vgg16` (553 MB)",
  );
}

export const classify: Command = {
  name: "classify",
  summary: "the top ImageNet classes of an image (GoogLeNet, SqueezeNet, VGG16/VGG19)",
  usage: USAGE,
  options: {
    model: { type: "string" },
    weights: { type: "string" },
    top: { type: "string" },
    json: { type: "boolean" },
  },
  async run(v, [image, ...extra]) {
    if (!image) throw new UsageError("sheep classify needs an IMAGE (see `sheep classify --help`)");
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const topK = num(v.top, "top", { int: true, min: 1, max: 1000 }) ?? 5;
    const models = ["googlenet", "squeezenet", "vgg16", "vgg19"];
    const name = (v.model as string | undefined) ?? (v.weights ? "vgg16" : "googlenet");
    if (!models.includes(name)) {
      throw new UsageError(`--model must be ${models.join(", ")}, got "${name}"`);
    }
    if (name === "googlenet" || name === "squeezenet") {
      const img = await readImageFile(image);
      await init();
      const path = v.weights as string | undefined;
      const m = await (name === "googlenet" ? loadGoogLeNetFile : loadSqueezeNetFile)(path);
      const { data, shape } = imageToNCHW(img);
      const predictions = await classifyImage(m, tensor(data, { shape }), { topK });
      const size = m.info.inputSize;
      if (v.json) {
        console.log(JSON.stringify({ image, model: name, predictions }, null, 2));
        return 0;
      }
      console.log(`${name} (shipped Caffe weights), ${img.width}×${img.height} → ${size}×${size}`);
      printPredictions(predictions);
      return 0;
    }
    const weights = (v.weights as string | undefined) ?? defaultWeights();
    const img = await readImageFile(image);
    await init();
    // Only the tensors up to the logits are read; the file's dialect decides the preprocessing.
    const model = await loadVggFile(weights, {
      taps: ["logits"],
      arch: v.model as "vgg16" | "vgg19" | undefined,
    });
    const { data, shape } = imageToNCHW(img);
    const predictions = await classifyImage(model, tensor(data, { shape }), { topK });
    if (v.json) {
      const { arch, dialect } = model;
      console.log(JSON.stringify({ image, weights, arch, dialect, predictions }, null, 2));
      return 0;
    }
    console.log(
      `${model.arch.toUpperCase()} (${model.dialect} weights), ` +
        `${img.width}×${img.height} → 224×224`,
    );
    printPredictions(predictions);
    return 0;
  },
};

function printPredictions(predictions: readonly Prediction[]): void {
  predictions.forEach((p, i) => {
    const pct = `${(100 * p.probability).toFixed(2)}%`.padStart(7);
    console.log(`${String(i + 1).padStart(3)}. ${pct}  ${p.label} (${p.index})`);
  });
}
