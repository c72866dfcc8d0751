// Dialect and architecture detection, the one-error-lists-everything checks, Keras name
// variants, and the real networks' key/shape tables (checked against published facts, and
// loaded from a header-only virtual file so nothing of the real size is allocated).

import { init, randn, release } from "@sheep/tensor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  loadSafetensors,
  planSafetensors,
  type TensorSource,
  writeSafetensors,
} from "../src/safetensors/index.ts";
import { VGG_BLOCKS, vggConfig } from "../src/vgg/architecture.ts";
import {
  detectVggArch,
  detectVggDialect,
  normalizeKerasKey,
  type VggDialect,
  vggWeightTable,
} from "../src/vgg/dialects.ts";
import { loadVgg } from "../src/vgg/load.ts";
import { randomVggWeights, vggSafetensors } from "../src/vgg/random.ts";
import { WeightsError } from "../src/weights-check.ts";

beforeAll(() => init());
afterAll(() => release());

const small = vggConfig("vgg16", { divisor: 16, hidden: 64, classes: 10 });
const smallWeights = randomVggWeights(small, 3);

/** A file of the given tensors (zeros), for tests that only care about names and shapes. */
function fileOf(table: Map<string, number[]>): Uint8Array {
  const specs = new Map(
    [...table].map(([k, shape]) => [
      k,
      { dtype: "F32", shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) },
    ]),
  );
  return writeSafetensors(specs);
}

/** A file of the real size that exists only as a header: reads of data return zeros. */
function virtualFile(
  table: Map<string, number[]>,
): TensorSource & { read: TensorSource["read"]; bytesRead: number } {
  const plan = planSafetensors(
    new Map([...table].map(([k, shape]) => [k, { dtype: "F32", shape }])),
  );
  const source = {
    size: plan.fileSize,
    bytesRead: 0,
    async read(offset: number, length: number) {
      source.bytesRead += length;
      const out = new Uint8Array(length);
      if (offset < plan.head.length) out.set(plan.head.subarray(offset, offset + length));
      return out;
    },
  };
  return source;
}

describe("dialect detection", () => {
  test("from the names alone", () => {
    for (const dialect of ["timm", "torchvision", "keras"] as VggDialect[]) {
      const keys = [...vggWeightTable(small, dialect).keys()];
      expect(detectVggDialect(keys)).toBe(dialect);
      expect(detectVggArch(keys, dialect)).toBe("vgg16");
      const keys19 = [...vggWeightTable(vggConfig("vgg19"), dialect).keys()];
      expect(detectVggArch(keys19, dialect)).toBe("vgg19");
    }
    // A features-only file from timm or torchvision looks the same; it loads the same too.
    expect(detectVggDialect(["features.0.weight", "features.0.bias"])).toBe("torchvision");
    expect(() => detectVggDialect(["model.conv1.weight"])).toThrow(/cannot tell.*model\.conv1/);
  });

  test("Keras names with TensorFlow's :0 suffix and the layer name twice", () => {
    expect(normalizeKerasKey("block1_conv1/kernel:0")).toBe("block1_conv1/kernel");
    expect(normalizeKerasKey("block1_conv1/block1_conv1/bias:0")).toBe("block1_conv1/bias");
    expect(normalizeKerasKey("features.0.weight")).toBe("features.0.weight");
  });

  test("a Keras file with h5-style names loads and computes what the plain one does", async () => {
    const plain = vggSafetensors(small, "keras", smallWeights);
    const tensors = await loadSafetensors(plain);
    const renamed = writeSafetensors(
      new Map(
        [...tensors].map(([k, t]) => {
          const [layer, what] = k.split("/");
          return [`${layer}/${layer}/${what}:0`, { dtype: "F32", shape: t.shape, data: t.data }];
        }),
      ),
    );
    const x = randn([1, 3, 32, 32], { seed: 5 });
    const a = (await loadVgg(plain)).logits(x);
    const b = (await loadVgg(renamed)).logits(x);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  });
});

describe("names and shapes are checked before anything is read", () => {
  test("missing, unexpected and mis-shaped tensors: all in one error", async () => {
    const table = vggWeightTable(small, "torchvision");
    table.delete("features.28.bias");
    table.delete("classifier.3.weight");
    table.set("features.5.weight", [8, 4, 5, 5]);
    table.set("extra.thing", [2]);
    const err = await loadVgg(fileOf(table)).catch((e) => e);
    expect(err).toBeInstanceOf(WeightsError);
    const e = err as WeightsError;
    expect(e.missing).toEqual(["features.28.bias", "classifier.3.weight"]);
    expect(e.unexpected).toEqual(["extra.thing"]);
    expect(e.mismatched).toEqual([
      { key: "features.5.weight", expected: [8, 4, 3, 3], actual: [8, 4, 5, 5] },
    ]);
    const firstLine = e.message.split("\n")[0];
    expect(firstLine).toMatch(/VGG16 \(torchvision names\)/);
    expect(firstLine).toMatch(/missing features\.28\.bias, classifier\.3\.weight/);
    expect(firstLine).toMatch(/unexpected extra\.thing/);
    expect(firstLine).toMatch(/features\.5\.weight is \[8, 4, 5, 5\], expected \[8, 4, 3, 3\]/);
  });

  test("a features-only file loads; asking it for the classifier is refused", async () => {
    const bytes = vggSafetensors(small, "timm", smallWeights, { classifier: false });
    const model = await loadVgg(bytes);
    expect(model.hasClassifier).toBe(false);
    expect(model.tapNames).toContain("logits");
    await expect(loadVgg(bytes, { taps: ["fc1"] })).rejects.toThrow(/no classifier weights/);
    expect(() => model.forward(randn([1, 3, 32, 32]), ["logits"])).toThrow(/loaded without/);
    // A file with part of the classifier is incomplete, not features-only.
    const partial = vggWeightTable(small, "timm");
    partial.delete("head.fc.weight");
    await expect(loadVgg(fileOf(partial))).rejects.toThrow(/missing head\.fc\.weight/);
  });

  test("unknown taps are refused by name", async () => {
    const bytes = vggSafetensors(small, "torchvision", smallWeights);
    await expect(loadVgg(bytes, { taps: ["relu6_1"] })).rejects.toThrow(/no tap "relu6_1"/);
  });
});

describe("the real networks' tables (no weights allocated)", () => {
  const params = (t: Map<string, number[]>) =>
    [...t.values()].reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);

  test("parameter counts and key shapes match timm, torchvision and Keras", () => {
    for (const dialect of ["timm", "torchvision", "keras"] as VggDialect[]) {
      const t16 = vggWeightTable(vggConfig("vgg16"), dialect);
      const t19 = vggWeightTable(vggConfig("vgg19"), dialect);
      expect(params(t16), dialect).toBe(138_357_544);
      expect(params(t19), dialect).toBe(143_667_240);
      expect(t16.size).toBe(32);
      expect(t19.size).toBe(38);
    }
    const timm = vggWeightTable(vggConfig("vgg16"), "timm");
    expect(timm.get("features.0.weight")).toEqual([64, 3, 3, 3]);
    expect(timm.get("features.28.weight")).toEqual([512, 512, 3, 3]);
    expect(timm.get("pre_logits.fc1.weight")).toEqual([4096, 512, 7, 7]);
    expect(timm.get("pre_logits.fc2.weight")).toEqual([4096, 4096, 1, 1]);
    expect(timm.get("head.fc.weight")).toEqual([1000, 4096]);
    const tv = vggWeightTable(vggConfig("vgg19"), "torchvision");
    expect(tv.get("features.34.weight")).toEqual([512, 512, 3, 3]);
    expect(tv.get("classifier.0.weight")).toEqual([4096, 25088]);
    expect(tv.get("classifier.6.bias")).toEqual([1000]);
    const keras = vggWeightTable(vggConfig("vgg16"), "keras");
    expect(keras.get("block1_conv1/kernel")).toEqual([3, 3, 3, 64]);
    expect(keras.get("block5_conv3/kernel")).toEqual([3, 3, 512, 512]);
    expect(keras.get("fc1/kernel")).toEqual([25088, 4096]);
    expect(keras.get("predictions/kernel")).toEqual([4096, 1000]);
    expect(VGG_BLOCKS.vgg19.reduce((a, b) => a + b)).toBe(16);
  });

  test("a real-width timm VGG16 loads from its header, reading only what it needs", async () => {
    const table = vggWeightTable(vggConfig("vgg16"), "timm");
    const file = virtualFile(table);
    const model = await loadVgg(file, { taps: ["relu2_2"] });
    expect(model.config).toEqual(vggConfig("vgg16"));
    expect(model.dialect).toBe("timm");
    expect(model.hasClassifier).toBe(false);
    const wanted = ["features.0", "features.2", "features.5", "features.7"];
    const bytes = wanted.reduce(
      (n, l) => n + 4 * params(new Map([...table].filter(([k]) => k.startsWith(`${l}.`)))),
      0,
    );
    const { head } = planSafetensors(
      new Map([...table].map(([k, shape]) => [k, { dtype: "F32", shape }])),
    );
    expect(file.bytesRead).toBe(head.length + bytes);
    model.dispose();
  });
});
