// The Embeddings page in a real browser, offline: an embedding net trains two triplet steps
// live on WebGPU (SwiftShader) and draws its loss, the collapse monitor and a PCA projector of
// 100 held-out images; a query returns its nearest neighbours in ascending distance; the
// shipped net loads and projects; two faces of one group photo are found and told apart.

import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, canvasStats, openApp, screenshot, waitJob } from "./helpers.ts";

let app: App;
const requests: string[] = [];

beforeAll(async () => {
  app = await openApp(
    "?embedmax=2&embedframe=1&embedproject=2&embedn=100&facemax=480&facesize=320#embed",
    "swiftshader",
    (page) => page.on("request", (r) => requests.push(r.url())),
  );
});

afterAll(async () => {
  await app?.browser.close();
});

/** Click a button and wait for the status line to change and settle (finished or failed). */
async function statusAfter(page: Page, button: string): Promise<string> {
  const before = await page.$eval("#embed-status", (e) => e.textContent);
  await page.click(button);
  await page.waitForFunction(
    (b) => {
      const s = document.getElementById("embed-status")!;
      return s.textContent !== b && s.matches(".finished, .failed");
    },
    { timeout: 240_000, polling: 200 },
    before,
  );
  return page.$eval("#embed-status", (e) => `${e.className}: ${e.textContent}`);
}

test("two training steps draw the loss, the monitor and the projector", async () => {
  const { page } = app;
  await page.click("#embed-start");
  const text = await waitJob(page, "embed-status", 280_000);
  console.log(`training: ${text}`);
  expect(text).toMatch(/^step 2 · loss \d+\.\d{4} · active \d\.\d\d · .* paused$/);
  for (const id of ["#embed-loss", "#embed-hist", "#embed-var", "#embed-proj"])
    expect((await canvasStats(page, id)).std, id).toBeGreaterThan(2);
  const legend = await page.$$eval("#embed-legend span", (els) => els.map((e) => e.textContent));
  expect(legend).toHaveLength(10);
  expect(legend[6]).toMatch(/never trained on/);
  expect(app.errors).toEqual([]);
}, 300_000);

test("a query returns k neighbours, nearest first, none of them itself", async () => {
  const { page } = app;
  await page.$eval("#embed-page input[max='99']", (e) => {
    (e as HTMLInputElement).value = "5";
  });
  const text = await statusAfter(page, "#embed-query");
  expect(text).toMatch(/^progress finished: query #5 \(.+\): \d of 8 neighbours share its class/);
  const found = await page.$$eval("#embed-neighbours figure.nb", (els) =>
    els.map((e) => [
      Number((e as HTMLElement).dataset.index),
      Number((e as HTMLElement).dataset.distance),
    ]),
  );
  expect(found).toHaveLength(8);
  expect(found.map(([i]) => i)).not.toContain(5);
  for (let i = 1; i < found.length; i++)
    expect(found[i][1]).toBeGreaterThanOrEqual(found[i - 1][1]);
  expect(found[0][1]).toBeGreaterThan(0);
}, 300_000);

test("the shipped net loads and projects; a bad query number is refused in words", async () => {
  const { page } = app;
  const text = await statusAfter(page, "#embed-shipped");
  expect(text).toMatch(/^progress finished: shipped embed-fashion-mnist .*held out 6-9/);
  expect((await canvasStats(page, "#embed-proj")).std).toBeGreaterThan(2);
  await page.$eval("#embed-page input[max='99']", (e) => {
    (e as HTMLInputElement).value = "9999";
  });
  const bad = await statusAfter(page, "#embed-query");
  expect(bad).toBe(
    'progress failed: query image # must be a whole number from 0 to 99, got "9999"',
  );
  await screenshot(page, "20-embed", true);
  const others = requests.filter((u) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(u));
  expect(others).toEqual([]);
  expect(app.errors).toEqual([]);
}, 300_000);

test("faces: two faces of one group photo are found, aligned and told apart", async () => {
  const { page } = app;
  // Faces 2 and 3: at input 320 the detector's first box (score 0.51) on this 480 px photo is a
  // second, lower box on the left woman (her chin and neck), not a face of its own.
  for (const [slot, face] of [
    ["a", "2"],
    ["b", "3"],
  ]) {
    await page.$eval(
      `#embed-face-${slot} input[type=number]`,
      (e, v) => {
        (e as HTMLInputElement).value = v;
      },
      face,
    );
  }
  await page.click("#embed-face-run");
  const t0 = Date.now();
  const log = setInterval(async () => {
    const s = await page.$eval("#embed-face-status", (e) => e.textContent).catch(() => "?");
    console.log(`faces after ${((Date.now() - t0) / 1000).toFixed(0)} s: ${s}`);
  }, 30_000);
  await page
    .waitForFunction(
      () => document.getElementById("embed-face-status")!.matches(".finished, .failed"),
      {
        timeout: 500_000,
        polling: 500,
      },
    )
    .finally(() => clearInterval(log));
  const status = await page.$eval("#embed-face-status", (e) => `${e.className}: ${e.textContent}`);
  console.log(`faces: ${status}`);
  expect(status).toMatch(/^progress finished: A: [3-9] faces, B: [3-9] faces · A2 vs B3: /);
  const d = Number(
    await page.$eval("#embed-face-verdict", (e) => (e as HTMLElement).dataset.distance),
  );
  // Two different women of one photo, as packages/algorithms/test/faces-verify.test.ts (480×320).
  expect(d).toBeGreaterThan(0.6);
  expect(await page.$eval("#embed-face-verdict", (e) => e.textContent)).toMatch(
    /not the same person/,
  );
  expect(
    await page.$$eval("#embed-face-a figure canvas", (els) => els.length),
  ).toBeGreaterThanOrEqual(2);
  expect((await canvasStats(page, "#embed-face-a-canvas")).std).toBeGreaterThan(5);
  await screenshot(page, "21-embed-faces", true);
}, 560_000);
