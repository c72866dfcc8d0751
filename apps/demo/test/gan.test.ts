// The GAN lab page in a real browser: two toy GANs (minimax vs non-saturating, same seed) train
// a few steps live on WebGPU and draw their planes and curves; the xy explorer draws every
// method, with simultaneous GD moving away from the equilibrium and extragradient towards it.

import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, canvasStats, openApp, screenshot, waitJob } from "./helpers.ts";

let app: App;

beforeAll(async () => {
  app = await openApp("?ganpreset=saturating&ganmax=4&ganframe=2#gan");
});

afterAll(async () => {
  await app?.browser.close();
});

test("two GANs train four steps side by side and draw samples, heat map and curves", async () => {
  const { page } = app;
  await page.click("#gan-run");
  expect(await waitJob(page, "gan-status")).toMatch(/^step 4 · modes A \d\/8, B \d\/8$/);
  for (const id of ["a", "b"]) {
    const plane = await canvasStats(page, `#gan-${id}-plane`);
    expect(plane.std).toBeGreaterThan(5);
    const curves = await canvasStats(page, `#gan-${id}-curves`);
    expect(curves.std).toBeGreaterThan(1);
  }
  expect(await page.$eval("#gan-a h3", (e) => e.textContent)).toBe("A: minimax");
  expect(await page.$eval("#gan-b h3", (e) => e.textContent)).toBe("B: ns");
  await screenshot(page, "10-gan", true);
  expect(app.errors).toEqual([]);
});

test("the xy explorer: gd spirals out, eg spirals in", async () => {
  const { page } = app;
  const legend = await page.$$eval("#xy-legend span", (els) =>
    els.map((e) => [(e as HTMLElement).dataset.method ?? "", e.textContent ?? ""]),
  );
  expect(legend.map(([m]) => m)).toEqual(["gd", "alt", "eg", "ogd", "consensus", "momentum"]);
  const radius = (m: string) => {
    const [, from, to] = /‖·‖ (\S+) → (\S+)/.exec(legend.find(([k]) => k === m)![1])!;
    return [Number(from), Number(to)];
  };
  const [gd0, gd1] = radius("gd");
  expect(gd1).toBeGreaterThan(gd0);
  const [eg0, eg1] = radius("eg");
  expect(eg1).toBeLessThan(eg0);
  expect((await canvasStats(page, "#xy-canvas")).std).toBeGreaterThan(5);
});

test("drawn data: clicks on plane A place the points to learn", async () => {
  const { page } = app;
  await page.select("#gan-page select:has(option[value=drawn])", "drawn");
  const plane = await page.$("#gan-a-plane");
  const box = (await plane!.boundingBox())!;
  for (const [fx, fy] of [
    [0.3, 0.3],
    [0.7, 0.5],
    [0.4, 0.8],
  ]) {
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
  }
  // Dark background plus three green dots of radius 4: mostly dark, a few green pixels.
  const s = await canvasStats(page, "#gan-a-plane");
  const green = s.pixels.filter((v, i) => i % 3 === 1 && v > 150).length;
  expect(green).toBeGreaterThan(3 * 20);
  expect(green).toBeLessThan(3 * 80);
  expect(app.errors).toEqual([]);
});
