// The Embeddings page in a real browser, offline: an embedding net trains four triplet steps
// live on WebGPU (SwiftShader) and draws its loss, the collapse monitor and a PCA projector of
// 200 held-out images; a query returns its nearest neighbours in ascending distance; the
// shipped net loads and projects; the page passes an axe-core audit.

import type { Page } from "puppeteer-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, canvasStats, openApp, screenshot, waitJob } from "./helpers.ts";

let app: App;
const requests: string[] = [];

beforeAll(async () => {
  app = await openApp(
    "?embedmax=4&embedframe=2&embedproject=2&embedn=200#embed",
    "swiftshader",
    (page) => page.on("request", (r) => requests.push(r.url())),
  );
});

afterAll(async () => {
  await app?.browser.close();
});

/** Click a button and wait for the status line to start with `prefix` and settle. */
async function statusAfter(page: Page, button: string, prefix: string): Promise<string> {
  await page.click(button);
  await page.waitForFunction(
    (p) => {
      const s = document.getElementById("embed-status")!;
      return s.textContent!.startsWith(p) && s.matches(".finished, .failed");
    },
    { timeout: 180_000, polling: 200 },
    prefix,
  );
  return page.$eval("#embed-status", (e) => `${e.className}: ${e.textContent}`);
}

test("four training steps draw the loss, the monitor and the projector", async () => {
  const { page } = app;
  await page.click("#embed-start");
  const text = await waitJob(page, "embed-status", 240_000);
  expect(text).toMatch(/^step 4 · loss \d+\.\d{4} · active \d\.\d\d · .* paused$/);
  for (const id of ["#embed-loss", "#embed-hist", "#embed-var", "#embed-proj"])
    expect((await canvasStats(page, id)).std, id).toBeGreaterThan(2);
  const legend = await page.$$eval("#embed-legend span", (els) => els.map((e) => e.textContent));
  expect(legend).toHaveLength(10);
  expect(legend[6]).toMatch(/never trained on/);
  expect(app.errors).toEqual([]);
});

test("a query returns k neighbours, nearest first, none of them itself", async () => {
  const { page } = app;
  await page.$eval("#embed-page input[max='199']", (e) => {
    (e as HTMLInputElement).value = "5";
  });
  const text = await statusAfter(page, "#embed-query", "query #5");
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
});

test("the shipped net loads and projects; a bad query number is refused in words", async () => {
  const { page } = app;
  const text = await statusAfter(page, "#embed-shipped", "shipped");
  expect(text).toMatch(/^progress finished: shipped embed-fashion-mnist .*held out 6-9/);
  expect((await canvasStats(page, "#embed-proj")).std).toBeGreaterThan(2);
  await page.$eval("#embed-page input[max='199']", (e) => {
    (e as HTMLInputElement).value = "9999";
  });
  const bad = await statusAfter(page, "#embed-query", "query image");
  expect(bad).toBe("progress failed: query image must be an integer from 0 to 199, got 9999");
  await screenshot(page, "20-embed", true);
  const others = requests.filter((u) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(u));
  expect(others).toEqual([]);
  expect(app.errors).toEqual([]);
});
