// The feature visualisation page in a real browser: one channel (naive recipe), the ablation
// strip (the robust recipe's tricks one at a time) and a channel grid, each a short job on a
// 32-pixel image that ends with a picture on its canvas.

import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, canvasStats, openApp, screenshot, waitJob } from "./helpers.ts";

let app: App;

beforeAll(async () => {
  // The face network, not the default GoogLeNet, to keep SwiftShader's time as it was.
  app = await openApp("?vsize=32&vsteps=2&channels=0-3&model=face#features");
  await app.page.waitForFunction(
    "document.getElementById('face-status')?.textContent.includes('ready')",
    {
      timeout: 60_000,
    },
  );
});

afterAll(async () => {
  await app?.browser.close();
});

test("one channel, naive recipe: a non-blank picture", async () => {
  const { page } = app;
  await page.select("select:has(option[value=naive])", "naive");
  await page.click("#viz-run");
  expect(await waitJob(page, "viz-progress")).toMatch(/Visualise finished/);
  const s = await canvasStats(page, "#viz-result");
  expect([s.width, s.height]).toEqual([32, 32]);
  expect(s.std).toBeGreaterThan(5);
  expect(app.errors).toEqual([]);
});

test("the ablation strip: six labelled stages side by side", async () => {
  const { page } = app;
  await page.select("select:has(option[value=naive])", "robust");
  await page.click("#ablation-run");
  expect(await waitJob(page, "viz-progress")).toMatch(/Ablation strip finished/);
  const s = await canvasStats(page, "#ablation-result");
  expect(s.width).toBeGreaterThan(6 * 32);
  expect(s.std).toBeGreaterThan(5);
  expect(app.errors).toEqual([]);
});

test("a channel grid of four channels", async () => {
  const { page } = app;
  await page.click("#grid-run");
  expect(await waitJob(page, "viz-progress")).toMatch(/Channel grid finished/);
  const s = await canvasStats(page, "#grid-result");
  expect(s.width).toBe(2 * 32 + 2); // 2 × 2 cells, 2 px apart
  expect(s.std).toBeGreaterThan(5);
  await screenshot(page, "06-features", true);
  expect(app.errors).toEqual([]);
});
