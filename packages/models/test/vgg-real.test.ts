// A real VGG16: runs when SHEEP_VGG16 names a timm (vgg16.tv_in1k) or torchvision VGG16
// .safetensors file, e.g. after `sheep weights pull vgg16`:
//   SHEEP_VGG16=~/.cache/electric-sheep/weights/vgg16.tv_in1k.safetensors \
//     npx vitest run test/vgg-real.test.ts
// The CI machines cannot download it, so there the test is skipped and says why.

import { init, release, softmax, tensor } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { classify } from "../src/classify.ts";
import { openFileSource } from "../src/safetensors/node.ts";
import { SafetensorsReader } from "../src/safetensors/reader.ts";
import { vggConfig } from "../src/vgg/architecture.ts";
import { loadVgg } from "../src/vgg/load.ts";

const path = process.env.SHEEP_VGG16;
if (!path) {
  console.log(
    "vgg-real: skipped, SHEEP_VGG16 is not set (point it at a real timm or torchvision VGG16 " +
      ".safetensors, e.g. from `sheep weights pull vgg16`)",
  );
}

/** A smooth 224×224 test image: colour ramps and a soft disc, values in [0, 1]. */
function syntheticImage() {
  const n = 224;
  const data = new Float32Array(3 * n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const disc = Math.exp(-((x - 112) ** 2 + (y - 100) ** 2) / 2000);
      data[y * n + x] = 0.2 + 0.6 * disc;
      data[n * n + y * n + x] = x / n;
      data[2 * n * n + y * n + x] = 1 - y / n;
    }
  }
  return tensor(data, { shape: [1, 3, n, n] });
}

describe.skipIf(!path)("a real VGG16 (SHEEP_VGG16)", () => {
  beforeAll(() => init());
  afterAll(() => release());

  test("loading features reads only the tensors they need", async () => {
    const source = await openFileSource(path!);
    try {
      const reader = await SafetensorsReader.open(source);
      const header = source.bytesRead;
      const model = await loadVgg(reader, { taps: ["relu3_3"] });
      expect(["timm", "torchvision"]).toContain(model.dialect);
      expect(model.config).toEqual(vggConfig("vgg16"));
      // features.0 … features.14: the seven convolutions of blocks 1–3, weights and biases.
      const needed = reader.names.filter((k) => {
        const m = /^features\.(\d+)\./.exec(k);
        return m !== null && Number(m[1]) <= 14;
      });
      expect(needed).toHaveLength(14);
      const bytes = needed.reduce((s, k) => s + reader.entry(k).end - reader.entry(k).begin, 0);
      expect(source.bytesRead - header).toBe(bytes);
      model.dispose();
    } finally {
      await source.close();
    }
  });

  test("classifies a synthetic image; fc1 held in parts under the limit", async () => {
    const source = await openFileSource(path!);
    const model = await loadVgg(source, { taps: ["logits"] }).finally(() => source.close());
    const limit = model.parameters()[0].backend.info.limits.maxStorageBufferBindingSize;
    for (const p of model.parameters()) expect(p.size * 4).toBeLessThanOrEqual(limit);
    const image = syntheticImage();
    const x = model.preprocessing.normalize(image);
    const taps = model.forward(x, ["relu5_3", "pool5", "fc1", "logits"]);
    expect(taps.get("relu5_3")!.shape).toEqual([1, 512, 14, 14]);
    expect(taps.get("pool5")!.shape).toEqual([1, 512, 7, 7]);
    expect(taps.get("fc1")!.shape).toEqual([1, 4096]);
    expect(taps.get("logits")!.shape).toEqual([1, 1000]);
    const probs = await softmax(taps.get("logits")!, -1).data();
    expect(Array.from(probs).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const top = await classify(model, image, { topK: 5 });
    expect(top[0].probability).toBeCloseTo(Math.max(...probs), 4);
    console.log(
      "vgg-real: top 5 for the synthetic image:",
      top.map((p) => `${p.label} ${(100 * p.probability).toFixed(1)}%`).join("; "),
    );
    expect(top).toHaveLength(5);
    expect(top[0].probability).toBeGreaterThan(0);
    model.dispose();
  }, 600_000); // two passes of the real network: minutes on a CPU adapter
});
