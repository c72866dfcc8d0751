// The DCGAN page in a real browser (WebGPU on SwiftShader), with nothing fetched from another
// host: the shipped generator's sample grid renders and re-rolls, the walk's t slider changes
// the image, the arithmetic draws its equation, a small FID is stated with its n, a tiny GAN
// (batch 8, width 4) trains a few steps live with its loss shown, Pause stops it, and its
// checkpoint downloads and loads back through the file input.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ElementHandle } from "puppeteer";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type App,
  audit,
  canvasStats,
  meanAbsDiff,
  openApp,
  screenshot,
  waitJob,
} from "./helpers.ts";

let app: App;
const requests: string[] = [];

beforeAll(async () => {
  app = await openApp(
    "?dcganbatch=8&dcganwidth=4&dcgandraw=1&dcgann=16#dcgan",
    "swiftshader",
    (page) => page.on("request", (r) => requests.push(r.url())),
  );
});

afterAll(async () => {
  await app?.browser.close();
});

const filled = (id: string) =>
  app.page.waitForSelector(`#${id}[data-filled]`, { timeout: 120_000 });

test("offline: the sample grid renders from the app's own files; re-roll changes it", async () => {
  const { page } = app;
  await filled("dcgan-samples");
  const first = await canvasStats(page, "#dcgan-samples");
  // 16 samples, 4×4 cells of 56 px plus borders
  expect(first.width).toBe(4 * 58 + 2);
  expect(first.std).toBeGreaterThan(5);
  await page.click("#dcgan-reroll");
  await page.waitForFunction(
    "document.getElementById('dcgan-samples-status').textContent.includes('seed 2')",
    { timeout: 60_000 },
  );
  expect(meanAbsDiff(first, await canvasStats(page, "#dcgan-samples"))).toBeGreaterThan(2);
  const others = requests.filter((u) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(u));
  expect(others).toEqual([]);
  expect(requests.some((u) => u.endsWith("models/dcgan-mnist.safetensors"))).toBe(true);
}, 180_000);

test("the walk's t slider changes the image; the equation draws", async () => {
  const { page } = app;
  await filled("dcgan-walk");
  await filled("dcgan-walk-strip");
  await page.waitForFunction("document.getElementById('dcgan-t-value').textContent === '0.00'");
  const at0 = await canvasStats(page, "#dcgan-walk");
  await page.$eval("#dcgan-t", (e) => {
    const input = e as HTMLInputElement;
    input.value = "1";
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await page.waitForFunction("document.getElementById('dcgan-t-value').textContent === '1.00'", {
    timeout: 60_000,
  });
  expect(meanAbsDiff(at0, await canvasStats(page, "#dcgan-walk"))).toBeGreaterThan(2);
  await filled("dcgan-eq-result");
  for (const id of ["a", "b", "c", "result"])
    expect((await canvasStats(page, `#dcgan-eq-${id}`)).std).toBeGreaterThan(5);
  expect(await page.$eval("#dcgan-eq-status", (e) => e.textContent)).toMatch(
    /^mean\(bold\) − mean\(thin\) \+ mean\(ordinary\), seeds \d+,\d+,\d+ · /,
  );
}, 180_000);

test("FID of the grid on screen is stated as a small-sample FID with its n", async () => {
  const { page } = app;
  await page.click("#dcgan-fid");
  await page.waitForFunction(
    "/FID|failed/.test(document.getElementById('dcgan-fid-out').textContent)",
    { timeout: 120_000 },
  );
  const text = await page.$eval("#dcgan-fid-out", (e) => e.textContent ?? "");
  expect(text).toMatch(
    /^FID \d+\.\d — a small-sample FID: n = 16 generated images vs 1000 held-out real ones, lenet-mnist:fc1 features\. Real training images at the same n score \d+\.\d/,
  );
  const [fid, floor] = [...text.matchAll(/score (\d+\.\d)|^FID (\d+\.\d)/g)].map((m) =>
    Number(m[1] ?? m[2]),
  );
  expect(fid).toBeGreaterThan(floor); // the rough shipped G is further from real than real is
}, 180_000);

test("a tiny GAN trains live, shows its loss, pauses, resumes; its checkpoint saves and loads", async () => {
  const { page } = app;
  await page.click("#dcgan-train");
  await page.waitForFunction(
    "Number(document.getElementById('dcgan-progress').dataset.done) >= 2",
    { timeout: 180_000, polling: 100 },
  );
  await page.click("#dcgan-pause");
  const paused = await waitJob(page, "dcgan-progress");
  const [, step] = /paused at step (\d+)/.exec(paused) ?? [];
  expect(Number(step)).toBeGreaterThanOrEqual(2);
  const loss = await page.$eval("#dcgan-loss-text", (e) => e.textContent ?? "");
  const [, d, g] = /D loss (\S+), G loss (\S+)$/.exec(loss) ?? [];
  expect(Number.isFinite(Number(d)) && Number(d) > 0).toBe(true);
  expect(Number.isFinite(Number(g)) && Number(g) > 0).toBe(true);
  expect((await canvasStats(page, "#dcgan-train-samples")).std).toBeGreaterThan(1);
  expect((await canvasStats(page, "#dcgan-loss")).std).toBeGreaterThan(1);
  // Paused means no step is taken.
  await new Promise((r) => setTimeout(r, 1500));
  expect(await page.$eval("#dcgan-loss-text", (e) => e.textContent)).toBe(loss);
  await page.click("#dcgan-resume");
  await page.waitForFunction(
    (s) => Number(document.getElementById("dcgan-progress")!.dataset.done) > s,
    { timeout: 120_000, polling: 100 },
    Number(step),
  );
  await page.click("#dcgan-pause");
  expect(await waitJob(page, "dcgan-progress")).toMatch(/paused at step \d+/);
  // Save: keep the whole download, then load it back through the file input.
  await page.evaluate(() => {
    const w = window as unknown as { __saved: Promise<{ name: string; bytes: number[] }>[] };
    w.__saved = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      const name = this.download;
      w.__saved.push(
        fetch(this.href)
          .then((r) => r.arrayBuffer())
          .then((b) => ({ name, bytes: [...new Uint8Array(b)] })),
      );
    };
  });
  await page.click("#dcgan-save");
  await page.waitForFunction("window.__saved.length > 0", { timeout: 60_000 });
  const saved = await page.evaluate(
    () =>
      (window as unknown as { __saved: Promise<{ name: string; bytes: number[] }>[] }).__saved[0],
  );
  const [, savedStep] = /^dcgan-mnist-step(\d+)\.safetensors$/.exec(saved.name) ?? [];
  expect(Number(savedStep)).toBeGreaterThan(Number(step));
  const path = join(mkdtempSync(join(tmpdir(), "sheep-dcgan-")), saved.name);
  writeFileSync(path, Uint8Array.from(saved.bytes));
  const input = (await page.$("#dcgan-load")) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
  await page.waitForFunction(
    "/^(Loaded|Could not)/.test(document.getElementById('dcgan-file-status').textContent)",
    { timeout: 60_000 },
  );
  expect(await page.$eval("#dcgan-file-status", (e) => e.textContent)).toMatch(
    new RegExp(`^Loaded ${saved.name}: step ${savedStep}, batch 8, width 4\\.`),
  );
  await screenshot(page, "11-dcgan", true);
  expect(app.errors).toEqual([]);
}, 400_000);

test("axe-core finds no serious or critical violation on the DCGAN page", async () => {
  expect(await audit(app.page)).toEqual([]);
});
