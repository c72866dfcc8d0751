// `sheep classify IMAGE [--weights FILE] [--top K] [--json]`: the most probable ImageNet classes
// of an image under a VGG16/VGG19 in any of the three weight dialects (timm, torchvision, Keras).

import { existsSync } from "node:fs";
import { imageToNCHW, readImageFile } from "@sheep/io";
import {
  classify as classifyImage,
  IMAGENET_LABELS_ATTRIBUTION,
  loadVggFile,
  weightsPath,
} from "@sheep/models/node";
import { init, tensor } from "@sheep/tensor";
import { type Command, num, UsageError } from "../args.ts";

const USAGE = `sheep classify IMAGE [--weights FILE] [--top K] [--json]

  IMAGE          a PNG or JPEG file
  --weights FILE VGG16/VGG19 weights as safetensors, timm, torchvision or Keras names
                 (default: vgg16 from the cache, after \`sheep weights pull vgg16\`)
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
  summary: "the top ImageNet classes of an image, with VGG16/VGG19 weights",
  usage: USAGE,
  options: {
    weights: { type: "string" },
    top: { type: "string" },
    json: { type: "boolean" },
  },
  async run(v, [image, ...extra]) {
    if (!image) throw new UsageError("sheep classify needs an IMAGE (see `sheep classify --help`)");
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const topK = num(v.top, "top", { int: true, min: 1, max: 1000 }) ?? 5;
    const weights = (v.weights as string | undefined) ?? defaultWeights();
    const img = await readImageFile(image);
    await init();
    // Only the tensors up to the logits are read; the file's dialect decides the preprocessing.
    const model = await loadVggFile(weights, { taps: ["logits"] });
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
    predictions.forEach((p, i) => {
      const pct = `${(100 * p.probability).toFixed(2)}%`.padStart(7);
      console.log(`${String(i + 1).padStart(3)}. ${pct}  ${p.label} (${p.index})`);
    });
    return 0;
  },
};
