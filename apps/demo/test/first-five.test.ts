// A new user's first five minutes in a real browser: nothing is fetched from the internet at
// load, fields out of range are refused in words (never clamped), Download waits for a result,
// the controls fit a 400 px wide window, a failed job leaves the app working (the next dream,
// visualisation and traced step run without a reload), and every page passes an axe-core
// accessibility audit with no serious or critical violation.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeImage } from "@sheep/io";
import type { ElementHandle } from "puppeteer";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, audit, canvasStats, openApp, screenshot, showPage, waitJob } from "./helpers.ts";

let app: App;
/** Every URL the page asked for, from the moment it opened. */
const requests: string[] = [];

beforeAll(async () => {
  // Tiny jobs on the face network, as the other page tests: SwiftShader manages well under a
  // GFLOP/s.
  app = await openApp(
    "?size=40&octaves=1&steps=2&vsize=32&vsteps=2&channels=0-3&maxPixels=20000&model=face",
    "swiftshader",
    (page) => page.on("request", (r) => requests.push(r.url())),
  );
  await app.page.waitForFunction(
    "document.getElementById('face-status')?.textContent.includes('ready')",
    { timeout: 60_000 },
  );
});

afterAll(async () => {
  await app?.browser.close();
});

const hosts = () => [...new Set(requests.map((u) => new URL(u).host.replace(/:\d+$/, "")))];

test("nothing is fetched from another host at load, nor when every page is opened", async () => {
  const { page } = app;
  for (const hash of ["#features", "#models", "#engine", "#dream"]) {
    await showPage(page, hash);
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(requests.length).toBeGreaterThan(0); // the recorder works: the app's own files
  const others = requests.filter((u) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(u));
  expect(others, hosts().join(", ")).toEqual([]);
});

test("fields out of range are refused with the field, the value and the range", async () => {
  const { page } = app;
  await showPage(page, "#features");
  expect(await page.$eval("#viz-download", (b) => (b as HTMLButtonElement).disabled)).toBe(true);
  const channel = "#viz-channel";
  await page.$eval(channel, (e) => {
    (e as HTMLInputElement).value = "999";
  });
  await page.click("#viz-run");
  const text = await waitJob(page, "viz-progress");
  expect(text).toMatch(/Channel 999: layer \S+ has \d+ channels, 0–\d+; 999 is out of range/);
  expect(text).toMatch(/Nothing was run/);
  expect(await page.$eval(channel, (e) => e.getAttribute("aria-invalid"))).toBe("true");
  expect(await page.$eval("#viz-download", (b) => (b as HTMLButtonElement).disabled)).toBe(true);
  await page.$eval(channel, (e) => {
    (e as HTMLInputElement).value = "1";
  });
  await showPage(page, "#dream");
  await page.$eval("#dream-steps", (e) => {
    (e as HTMLInputElement).value = "-3";
  });
  await page.click("#dream-run");
  expect(await waitJob(page, "dream-progress")).toMatch(
    /Steps per octave must be a whole number from 1 to 1000, got "-3"/,
  );
  await page.$eval("#dream-steps", (e) => {
    (e as HTMLInputElement).value = "2";
  });
});

test("after a failed job the next visualisation, dream and traced step run, no reload", async () => {
  const { page } = app;
  // bytes on the device, as the header counts them: live, pooled and cached
  const onDevice = () =>
    page.evaluate(() => {
      type Memory = { bytes: number; pooledBytes: number; cachedBytes: number };
      const demo = (window as unknown as { __sheepDemo: { engine: { memory(): Memory } } })
        .__sheepDemo;
      const m = demo.engine.memory();
      return m.bytes + m.pooledBytes + m.cachedBytes;
    });
  const before = await onDevice();
  // A visualisation long enough to be cut: the device is lost after its second step.
  await showPage(page, "#features");
  await page.$eval("#viz-steps", (e) => {
    (e as HTMLInputElement).value = "40";
  });
  await page.click("#viz-run");
  await page.waitForFunction("Number(document.getElementById('viz-progress').dataset.done) >= 2", {
    polling: 50,
    timeout: 180_000,
  });
  await page.evaluate(() =>
    (window as unknown as { __sheepDemo: { loseDevice(): void } }).__sheepDemo.loseDevice(),
  );
  const failed = await waitJob(page, "viz-progress");
  expect(failed).toMatch(/GPU device was lost during “Visualise”.*run the job again/);
  await page.waitForFunction(
    "document.getElementById('device-status').textContent.includes('Recovered')",
    { timeout: 60_000 },
  );
  // what the job held went with the old device; the new one holds no more than before the job
  expect(await onDevice()).toBeLessThanOrEqual(before);
  await page.$eval("#viz-steps", (e) => {
    (e as HTMLInputElement).value = "2";
  });
  await page.click("#viz-run");
  expect(await waitJob(page, "viz-progress")).toMatch(/Visualise finished/);
  expect(await page.$eval("#viz-download", (b) => (b as HTMLButtonElement).disabled)).toBe(false);
  await showPage(page, "#dream");
  await page.click("#dream-run");
  expect(await waitJob(page, "dream-progress")).toMatch(/Dream finished/);
  expect((await canvasStats(page, "#dream-result")).std).toBeGreaterThan(5);
  // "Trace a step" after the loss: this once "never finished" because the click, made at the
  // dream page's scroll, landed on the sticky header (grown by the recovery news) above the
  // button; a new tab now opens at its top. The traced step is the library's dreamStep.
  await showPage(page, "#engine");
  await page.waitForSelector("#trace-run", { visible: true });
  await page.click("#trace-run");
  expect(await page.$eval("#trace-progress", (e) => (e as HTMLElement).hidden)).toBe(false);
  expect(await waitJob(page, "trace-progress")).toMatch(/Trace finished: \d+ dispatches/);
  expect(await page.$eval(".trace-label", (e) => e.textContent)).toMatch(/one dream step · face/);
  expect(app.errors.filter((e) => e.startsWith("page:"))).toEqual([]);
}, 600_000);

test("a picture too big for the device is refused in words; a smaller working size runs", async () => {
  const { page } = app;
  await showPage(page, "#dream");
  // ?maxPixels=20000 forces a small limit: a 200×200 picture is over it, 128×128 is not
  const side = 200;
  const path = join(mkdtempSync(join(tmpdir(), "sheep-demo-")), "too-big.png");
  const data = new Uint8ClampedArray(side * side * 4).map((_, i) => (i % 4 === 3 ? 255 : i % 253));
  writeFileSync(path, encodeImage({ width: side, height: side, data }, "png"));
  const input = (await page.$(
    "input[type=file][accept^='image']",
  )) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
  await page.waitForFunction(
    (s) => document.querySelector(".image-input .caption")?.textContent?.includes(`${s}×${s}`),
    { timeout: 60_000 },
    side,
  );
  await page.select("#dream-max-side", "0");
  await page.click("#dream-run");
  expect(await waitJob(page, "dream-progress")).toMatch(
    new RegExp(`This image is ${side}×${side}.*Choose a smaller working size`),
  );
  await page.select("#dream-max-side", "128");
  await page.click("#dream-run");
  expect(await waitJob(page, "dream-progress")).toMatch(/Dream finished: 128×128/);
}, 300_000);

test("the dream page (header, tabs and controls) fits a 400 px wide window", async () => {
  const { page } = app;
  await page.setViewport({ width: 400, height: 800 });
  await showPage(page, "#dream");
  await new Promise((r) => setTimeout(r, 200));
  const overflow = await page.evaluate(() => {
    const wide: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("header *, .dream-page .controls *")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > window.innerWidth + 0.5)
        wide.push(`${el.tagName}.${el.className} ${Math.round(r.right)}`);
    }
    return { scroll: document.documentElement.scrollWidth, wide };
  });
  await screenshot(page, "10-narrow-400px", true);
  expect(overflow.wide).toEqual([]);
  expect(overflow.scroll).toBeLessThanOrEqual(400);
  await page.setViewport({ width: 1360, height: 900 });
});

test("axe-core finds no serious or critical accessibility violation on any page", async () => {
  const { page } = app;
  const found: Record<string, string[]> = {};
  for (const hash of ["#dream", "#features", "#models", "#engine", "#dcgan", "#attack", "#embed"]) {
    await showPage(page, hash);
    await new Promise((r) => setTimeout(r, 200));
    found[hash] = await audit(page);
  }
  expect(found).toEqual({
    "#dream": [],
    "#features": [],
    "#models": [],
    "#engine": [],
    "#dcgan": [],
    "#attack": [],
    "#embed": [],
  });
});
