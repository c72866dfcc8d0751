// The user's own Caffe model on the Models page: a tiny .caffemodel written by the project's
// writer (VGG-style legacy V1 prototxt, 3 classes with synset words) is opened through the
// card's file inputs, converted and built in the browser, and summarised; the dream page's
// model menu then offers it with its own layers. A file that is not a caffemodel gives one
// line naming the file, no stack.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCaffemodel } from "@sheep/models";
import type { ElementHandle } from "puppeteer";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, canvasStats, meanAbsDiff, openApp, showPage, waitJob } from "./helpers.ts";

// conv1_1 (1×1, 3 → 2) + ReLU, conv4_3 (1×1, 2 → 2) + ReLU, global average pool, fc8 (2 → 3).
const PROTOTXT = `name: "VGG_mini"
input: "data"
input_dim: 1
input_dim: 3
input_dim: 8
input_dim: 8
layers { bottom: "data" top: "conv1_1" name: "conv1_1" type: CONVOLUTION
  convolution_param { num_output: 2 kernel_size: 1 } }
layers { bottom: "conv1_1" top: "conv1_1" name: "relu1_1" type: RELU }
layers { bottom: "conv1_1" top: "conv4_3" name: "conv4_3" type: CONVOLUTION
  convolution_param { num_output: 2 kernel_size: 1 } }
layers { bottom: "conv4_3" top: "conv4_3" name: "relu4_3" type: RELU }
layers { bottom: "conv4_3" top: "pool5" name: "pool5" type: POOLING
  pooling_param { pool: AVE global_pooling: true } }
layers { bottom: "pool5" top: "fc8" name: "fc8" type: INNER_PRODUCT
  inner_product_param { num_output: 3 } }
layers { bottom: "fc8" top: "prob" name: "prob" type: SOFTMAX }
`;
const blob = (shape: number[], seed: number) => ({
  shape,
  data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
    Math.sin(seed + i),
  ),
});
// 6 + 2 + 4 + 2 + 6 + 3 = 23 parameters.
const MODEL = writeCaffemodel(
  {
    name: "VGG_mini",
    layers: [
      { name: "conv1_1", type: "Convolution", blobs: [blob([2, 3, 1, 1], 1), blob([2], 2)] },
      { name: "conv4_3", type: "Convolution", blobs: [blob([2, 2, 1, 1], 3), blob([2], 4)] },
      { name: "fc8", type: "InnerProduct", blobs: [blob([3, 2], 5), blob([3], 6)] },
    ],
  },
  { format: "v1" },
);

let app: App;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sheep-demo-caffe-"));
  writeFileSync(join(dir, "mini.caffemodel"), MODEL);
  writeFileSync(join(dir, "deploy.prototxt"), PROTOTXT);
  writeFileSync(join(dir, "words.txt"), "n01514859 hen\nn04285008 sports car\nn02123045 tabby\n");
  // Not a NetParameter: a text file renamed.
  writeFileSync(join(dir, "broken.caffemodel"), "this is not a caffemodel at all\n");
  writeFileSync(join(dir, "broken.prototxt"), 'name: "x"\nlayers { name: "a" type: \n');
  app = await openApp("?size=16&octaves=1&steps=2&vsize=16&vsteps=2#models");
}, 120_000);

afterAll(async () => {
  await app?.browser.close();
});

async function upload(id: string, file: string): Promise<void> {
  const input = (await app.page.$(`input#${id}`)) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(join(dir, file));
}

const text = (id: string) => app.page.$eval(`#${id}`, (e) => e.textContent ?? "");

test("a bad file gives one line naming it; a good one is converted, built and summarised", async () => {
  const { page } = app;
  await upload("caffe-weights", "broken.caffemodel");
  await upload("caffe-prototxt", "deploy.prototxt");
  await page.click("#caffe-load");
  await page.waitForFunction("!document.getElementById('caffe-error').hidden");
  const bad = await text("caffe-error");
  expect(bad).toMatch(/^Could not open broken\.caffemodel: caffemodel /);
  expect(bad.split("\n")).toHaveLength(1);
  expect(bad).not.toMatch(/ at |\.ts:\d/);
  expect(await text("caffe-status")).toContain("not loaded");

  // A prototxt that does not parse: its line and column, one line.
  await upload("caffe-weights", "mini.caffemodel");
  await upload("caffe-prototxt", "broken.prototxt");
  await page.click("#caffe-load");
  await page.waitForFunction(
    "document.getElementById('caffe-error').textContent.includes('mini.caffemodel')",
  );
  const badText = await text("caffe-error");
  expect(badText).toMatch(/^Could not open mini\.caffemodel: prototxt \d+:\d+: /);
  expect(badText.split("\n")).toHaveLength(1);
  await upload("caffe-prototxt", "deploy.prototxt");

  await upload("caffe-synsets", "words.txt");
  await page.click("#caffe-load");
  await page.waitForFunction("!document.getElementById('caffe-summary').hidden", {
    timeout: 60_000,
  });
  expect(await page.$eval("#caffe-error", (e) => (e as HTMLElement).hidden)).toBe(true);
  expect(await text("caffe-summary")).toBe(
    "VGG_mini: 7 layers, 23 parameters; dreams at conv4_3; 3 named classes.",
  );
  expect(await text("caffe-status")).toContain("VGG_mini from mini.caffemodel: ready on the GPU");

  expect(app.errors).toEqual([]);
}, 90_000);

test("the dream page picks it: its own layers, its default layer, and a short dream runs", async () => {
  const { page } = app;
  await showPage(page, "#dream");
  const picker = ".dream-page select:has(option[value=caffe])";
  expect(await page.$eval(`${picker} option[value=caffe]`, (o) => o.textContent)).toBe(
    "VGG_mini (your Caffe model)",
  );
  await page.select(picker, "caffe");
  // The layer list: the net's feature maps, starting on the default dream layer.
  const layer = ".dream-page .layer-rows select";
  expect(await page.$eval(layer, (s) => (s as HTMLSelectElement).value)).toBe("conv4_3");
  expect(
    await page.$eval(layer, (s) => [...(s as HTMLSelectElement).options].map((o) => o.value)),
  ).toEqual(["conv1_1", "conv4_3", "pool5"]);
  const before = await canvasStats(page, ".dream-page .input-canvas");
  await page.click("#dream-run");
  expect(await waitJob(page, "dream-progress")).toMatch(/Dream finished/);
  const after = await canvasStats(page, "#dream-result");
  expect(meanAbsDiff(before, after)).toBeGreaterThan(0.1); // the dream changed the picture
  expect(app.errors).toEqual([]);
}, 90_000);

test("the feature-visualisation page picks it: its default layer, its channels, a short job", async () => {
  const { page } = app;
  await showPage(page, "#features");
  await page.select(".viz-page select:has(option[value=caffe])", "caffe");
  const layer = ".viz-page select:has(option[value=conv4_3])";
  expect(await page.$eval(layer, (s) => (s as HTMLSelectElement).value)).toBe("conv4_3");
  // conv4_3 has 2 output channels: measured by a forward pass of the user's net.
  await page.waitForFunction(
    "[...document.querySelectorAll('.viz-page small')].some((e) => e.textContent === '0 – 1')",
    { timeout: 30_000 },
  );
  await page.select(".viz-page select:has(option[value=naive])", "naive");
  await page.click("#viz-run");
  expect(await waitJob(page, "viz-progress")).toMatch(/Visualise finished/);
  expect((await canvasStats(page, "#viz-result")).std).toBeGreaterThan(1);
  expect(app.errors).toEqual([]);
}, 60_000);
