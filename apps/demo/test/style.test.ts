// The style-transfer page in a real browser: a few steps on a 32-pixel photo with a shipped
// painting change the picture and draw the per-layer loss chart; pause holds the job still until
// resume; the result downloads as a PNG.

import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type App,
  canvasStats,
  catchDownloads,
  downloads,
  meanAbsDiff,
  openApp,
  screenshot,
  waitJob,
} from "./helpers.ts";

let app: App;

beforeAll(async () => {
  app = await openApp("?model=face&side=32&steps=4#style");
  await app.page.waitForFunction(
    "document.getElementById('face-status')?.textContent.includes('ready')",
    { timeout: 60_000 },
  );
  // the painting is fetched from samples/ and drawn as a thumbnail
  await app.page.waitForFunction("document.querySelector('.style-thumb')?.width > 1", {
    timeout: 30_000,
  });
});

afterAll(async () => {
  await app?.browser.close();
});

test("a few steps change the picture and draw a loss line per term", async () => {
  const { page } = app;
  const before = await canvasStats(page, "#style-result");
  await page.click("#style-run");
  expect(await waitJob(page, "style-progress", 240_000)).toMatch(/Style transfer finished/);
  const after = await canvasStats(page, "#style-result");
  expect([after.width, after.height]).toEqual([32, 32]);
  expect(after.std).toBeGreaterThan(5);
  expect(meanAbsDiff(before, after)).toBeGreaterThan(1);
  // content, four style layers of the face network, tv
  const lines = await page.$$eval("#style-chart svg path", (p) => p.length);
  expect(lines).toBeGreaterThanOrEqual(5);
  await screenshot(page, "07-style", true);
  expect(app.errors).toEqual([]);
});

test("pause holds the job; resume finishes it; the result downloads as PNG", async () => {
  const { page } = app;
  await page.click("#style-run");
  await page.waitForFunction(
    "Number(document.getElementById('style-progress').dataset.done) >= 1",
    { timeout: 120_000, polling: 100 },
  );
  await page.click("#style-pause");
  const held = await page.$eval("#style-progress", (e) => (e as HTMLElement).dataset.done);
  await new Promise((r) => setTimeout(r, 3000));
  // at most the step already under way when pause was pressed
  const later = await page.$eval("#style-progress", (e) => (e as HTMLElement).dataset.done);
  expect(Number(later) - Number(held)).toBeLessThanOrEqual(1);
  expect(await page.$eval("#style-pause", (e) => e.textContent)).toBe("Resume");
  await page.click("#style-pause");
  expect(await waitJob(page, "style-progress", 240_000)).toMatch(/Style transfer finished/);
  await catchDownloads(page);
  await page.click("#style-download");
  const [png] = await downloads(page);
  expect(png.name).toBe("style.png");
  expect(png.head.slice(1, 4)).toEqual([0x50, 0x4e, 0x47]);
  expect(app.errors).toEqual([]);
});
