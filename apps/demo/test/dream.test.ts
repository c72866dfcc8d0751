// The DeepDream page in a real browser: the app loads cleanly, a short dream on the sample
// picture changes it, the engine panel lists the traced step's dispatches with their WGSL, the
// zoom loop makes frames and a GIF, pictures can be picked (and downscaled when too big), and a
// lost device is replaced while the result stays on screen.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeImage } from "@sheep/io";
import type { ElementHandle } from "puppeteer";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type App,
  canvasStats,
  catchDownloads,
  downloads,
  meanAbsDiff,
  openApp,
  screenshot,
  showPage,
  waitJob,
} from "./helpers.ts";

let app: App;

beforeAll(async () => {
  // Tiny jobs: SwiftShader manages well under a GFLOP/s.
  // The face network, not the default GoogLeNet: these tests are about the page, and GoogLeNet
  // makes the short dream about 3× slower on SwiftShader (69 s vs 24 s measured).
  app = await openApp("?size=48&octaves=1&steps=2&frames=2&model=face");
});

afterAll(async () => {
  await app?.browser.close();
});

test("the app loads with no console errors and names its adapter", async () => {
  const { page } = app;
  await page.waitForFunction(
    "document.getElementById('face-status')?.textContent.includes('ready')",
    {
      timeout: 60_000,
    },
  );
  const chip = await page.$eval("#engine-chip", (e) => e.textContent ?? "");
  expect(chip).toMatch(/swiftshader/);
  await screenshot(page, "01-dream-page");
  expect(app.errors).toEqual([]);
});

test("a short dream changes the picture, drawn step by step, and downloads as PNG", async () => {
  const { page } = app;
  const before = await canvasStats(page, ".input-canvas");
  await page.click("#dream-run");
  const text = await waitJob(page, "dream-progress");
  expect(text).toMatch(/Dream finished/);
  const after = await canvasStats(page, "#dream-result");
  expect([after.width, after.height]).toEqual([48, 48]);
  expect(after.std).toBeGreaterThan(5); // not blank
  expect(meanAbsDiff(before, after)).toBeGreaterThan(0.5); // and not the input
  await catchDownloads(page);
  await page.click("xpath/.//button[text()='Download PNG']");
  const [png] = await downloads(page);
  expect(png.name).toBe("dream.png");
  expect(png.head.slice(1, 4)).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  await screenshot(page, "02-dream-result");
  expect(app.errors).toEqual([]);
});

test("Sample photo loads the shipped photos in turn, served by the app itself", async () => {
  const { page } = app;
  const caption = () => page.$eval(".dream-page .caption", (e) => e.textContent ?? "");
  await page.click(".dream-page .sample-photo");
  await page.waitForFunction(
    "document.querySelector('.dream-page .caption')?.textContent.startsWith('chelsea.png')",
  );
  expect(await caption()).toBe("chelsea.png · 451×300");
  await page.click(".dream-page .sample-photo");
  await page.waitForFunction(
    "document.querySelector('.dream-page .caption')?.textContent.startsWith('coffee.png')",
  );
  expect(await caption()).toBe("coffee.png · 600×400");
  // back to the small synthetic sample the later tests' tiny jobs are sized for
  await page.click(
    "xpath/.//section[contains(@class, 'dream-page')]//button[text()='Sample picture']",
  );
  await page.waitForFunction(
    "document.querySelector('.dream-page .caption')?.textContent.startsWith('sample')",
  );
  expect(app.errors).toEqual([]);
});

test("the engine panel lists the traced step's dispatches, each opening to its WGSL", async () => {
  const { page } = app;
  await showPage(page, "#engine");
  await page.waitForSelector("details.dispatch");
  const n = await page.$$eval("details.dispatch", (d) => d.length);
  expect(n).toBeGreaterThan(10);
  const kernels = await page.$$eval("details.dispatch summary .kernel", (k) =>
    k.map((e) => e.textContent),
  );
  expect(kernels.some((k) => k?.startsWith("conv2d"))).toBe(true);
  const limits = await page.$eval("table.limits", (t) => t.textContent ?? "");
  expect(limits).toMatch(/maxStorageBufferBindingSize/);
  await page.click("details.dispatch:nth-of-type(3) summary");
  // The WGSL is rendered on the details' toggle event, a task after the click.
  const pre = await page.waitForSelector("details.dispatch[open] pre.wgsl");
  const wgsl = await pre!.evaluate((p) => p.textContent ?? "");
  expect(wgsl).toMatch(/@compute/);
  await screenshot(page, "03-engine", true);
  // "Trace a step" traces the dream page's current job again.
  const at = await page.$eval(".trace-label", (e) => e.textContent);
  await page.click("#trace-run");
  expect(await waitJob(page, "trace-progress")).toMatch(/Trace finished: \d+ dispatches/);
  expect(await page.$eval(".trace-label", (e) => e.textContent)).not.toBe(at);
  expect(app.errors).toEqual([]);
});

test("Stop ends a dream early and keeps what it made", async () => {
  const { page } = app;
  await showPage(page, "#dream");
  await page.click("#dream-run");
  await page.waitForFunction("document.getElementById('dream-progress').dataset.done === '1'", {
    polling: 50,
  });
  await page.click("#dream-stop");
  expect(await waitJob(page, "dream-progress")).toMatch(/Dream stopped/);
  expect((await canvasStats(page, "#dream-result")).std).toBeGreaterThan(5);
  expect(app.errors).toEqual([]);
});

test("the zoom loop dreams frames, plays them and downloads a GIF", async () => {
  const { page } = app;
  await showPage(page, "#dream");
  await page.click("#zoom-run");
  const text = await waitJob(page, "zoom-progress");
  expect(text).toMatch(/Zoom loop finished: 2 frames/);
  expect(await page.$$eval("#zoom-strip canvas", (c) => c.length)).toBe(2);
  const frame = await canvasStats(page, "#zoom-result");
  expect(frame.std).toBeGreaterThan(5);
  await catchDownloads(page);
  await page.click("#zoom-gif");
  const [gif] = await downloads(page);
  expect(String.fromCharCode(...gif.head.slice(0, 6))).toBe("GIF89a");
  await screenshot(page, "04-zoom");
  expect(app.errors).toEqual([]);
});

test("a picked picture is used; one too big for the device is offered a downscale", async () => {
  const { page } = app;
  const dir = mkdtempSync(join(tmpdir(), "sheep-demo-"));
  const png = (w: number, h: number) => {
    const data = new Uint8ClampedArray(w * h * 4).map((_, i) =>
      i % 4 === 3 ? 255 : (i * 7) % 256,
    );
    const path = join(dir, `picture-${w}x${h}.png`);
    writeFileSync(path, encodeImage({ width: w, height: h, data }, "png"));
    return path;
  };
  const input = (await page.$(
    "input[type=file][accept^='image']",
  )) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(png(40, 30));
  await page.waitForFunction(
    "document.querySelector('.image-input .caption').textContent.includes('40×30')",
  );
  // SwiftShader is a CPU adapter: over 256×256 the app offers to scale down.
  await input.uploadFile(png(400, 300));
  await page.waitForSelector(".image-input .notice:not([hidden])");
  const notice = await page.$eval(".image-input .notice", (e) => e.textContent ?? "");
  expect(notice).toMatch(/400×300/);
  await page.click(".image-input .notice button.primary");
  await page.waitForFunction(
    "document.querySelector('.image-input .caption').textContent.includes('(scaled) · 295×221')",
  );
  await page.click("xpath/.//button[text()='Sample picture']");
  expect(app.errors).toEqual([]);
});

test("a device lost mid-dream is replaced, the picture stays, the next dream runs", async () => {
  const { page } = app;
  await page.$eval("#dream-steps", (e) => {
    (e as HTMLInputElement).value = "6";
  });
  await page.click("#dream-run");
  await page.waitForFunction("document.getElementById('dream-progress').dataset.done === '2'", {
    polling: 50,
  });
  await page.evaluate(() =>
    (window as unknown as { __sheepDemo: { loseDevice(): void } }).__sheepDemo.loseDevice(),
  );
  expect(await waitJob(page, "dream-progress")).toMatch(/GPU device was lost during “Dream”/);
  await page.waitForFunction(
    "document.getElementById('device-status').textContent.includes('Recovered')",
    {
      timeout: 60_000,
    },
  );
  const kept = await canvasStats(page, "#dream-result");
  expect(kept.std).toBeGreaterThan(5); // the last step drawn before the loss is still there
  await screenshot(page, "05-device-recovered");
  await page.$eval("#dream-steps", (e) => {
    (e as HTMLInputElement).value = "2";
  });
  await page.click("#dream-run");
  expect(await waitJob(page, "dream-progress")).toMatch(/Dream finished/);
  // Seeded jitter: two steps on the new device reproduce the two drawn before the loss.
  expect(meanAbsDiff(kept, await canvasStats(page, "#dream-result"))).toBeLessThan(1);
  // Failed reads on the destroyed device may log warnings, never uncaught errors.
  expect(app.errors.filter((e) => e.startsWith("page:"))).toEqual([]);
});

test("an uncaught error shows in the banner, in words", async () => {
  const { page } = app;
  // An inline script is the page's own origin (code from page.evaluate would be reported by the
  // browser as an anonymous "Script error.").
  await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "setTimeout(() => { throw new Error('something broke on purpose'); });";
    document.body.append(script);
  });
  await page.waitForSelector("#banner:not([hidden])");
  expect(await page.$eval("#banner", (e) => e.textContent)).toMatch(
    /Uncaught error: something broke on purpose/,
  );
  await screenshot(page, "09-error-banner");
});
