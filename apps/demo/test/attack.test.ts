// The attacks & attribution page in a real browser, small enough for SwiftShader: SqueezeNet at
// 64² (it pools globally, so any side works). Offline: every request goes to the app's own
// server. The photo gets a top-5; painting over it changes the probabilities; an ε > 0 attack
// changes the image and reports a top-5; a long PGD can be stopped; a Grad-CAM heatmap renders; the Fashion-MNIST sweep
// draws its curve from the shipped batch, and Stop ends a sweep; axe-core finds nothing serious on the page.

import { createRequire } from "node:module";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type App, canvasStats, meanAbsDiff, openApp, screenshot, waitJob } from "./helpers.ts";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let app: App;
const requests: string[] = [];

/** The probabilities of the live top-5, by class index. */
async function top5(selector = "#attack-top5"): Promise<Record<string, number>> {
  return app.page.$$eval(`${selector} li`, (items) =>
    Object.fromEntries(
      items.map((li) => [(li as HTMLElement).dataset.index, Number((li as HTMLElement).dataset.p)]),
    ),
  );
}

beforeAll(async () => {
  app = await openApp("?model=squeezenet&side=64&eps=0.03&count=16#attack", "swiftshader", (p) =>
    p.on("request", (r) => requests.push(r.url())),
  );
  // the sample photo loads, SqueezeNet loads, the photo is scored
  await app.page.waitForFunction("document.querySelectorAll('#attack-top5 li').length === 5", {
    timeout: 120_000,
    polling: 200,
  });
});

afterAll(async () => {
  await app?.browser.close();
});

test("the photo's top-5 shows, and painting over it changes the probabilities", async () => {
  const { page } = app;
  const before = await top5();
  expect(Object.keys(before)).toHaveLength(5);
  const sum = Object.values(before).reduce((a, b) => a + b, 0);
  expect(sum).toBeGreaterThan(0);
  expect(sum).toBeLessThanOrEqual(1.0001);
  // drag across the middle of the photo with the pointer
  const box = (await (await page.$("#attack-paint"))!.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++)
    await page.mouse.move(box.x + box.width * (0.2 + i * 0.1), box.y + box.height * 0.5);
  await page.mouse.up();
  await page.waitForFunction(
    "/painted/.test(document.getElementById('attack-live').textContent) && " +
      "!/^0 % painted/.test(document.getElementById('attack-live').textContent)",
    { timeout: 60_000, polling: 200 },
  );
  // the last stroke's forward may still be running: wait until the list settles
  let after = await top5();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await top5();
    if (JSON.stringify(next) === JSON.stringify(after)) break;
    after = next;
  }
  const changed = Object.keys({ ...before, ...after }).some(
    (k) => Math.abs((before[k] ?? 0) - (after[k] ?? 0)) > 1e-4,
  );
  expect(changed).toBe(true);
  // Clear brings the clean scores back; Occlude centre (by keyboard) paints again
  const live = "document.getElementById('attack-live').textContent";
  await page.click("#attack-clear");
  await page.waitForFunction(`/^0 % painted/.test(${live})`, { timeout: 60_000 });
  const cleared = await top5();
  for (const [k, p] of Object.entries(before)) expect(cleared[k]).toBeCloseTo(p, 3);
  await page.focus("#attack-occlude");
  await page.keyboard.press("Enter");
  await page.waitForFunction(`!/^0 % painted/.test(${live})`, { timeout: 60_000 });
  expect(app.errors).toEqual([]);
}, 180_000);

test("an ε > 0 attack changes the image and reports a top-5", async () => {
  const { page } = app;
  const photo = await canvasStats(page, "#attack-paint");
  await page.click("#attack-run");
  expect(await waitJob(page, "attack-progress", 180_000)).toMatch(/Attack finished: FGSM ε = 0.03/);
  const adv = await canvasStats(page, "#attack-adv");
  expect([adv.width, adv.height]).toEqual([64, 64]);
  const d = meanAbsDiff(photo, adv);
  // FGSM moves each pixel by ε (7.65 levels) unless clipped at 0 or 1
  expect(d).toBeGreaterThan(1);
  expect(d).toBeLessThan(0.03 * 255 + 1);
  expect((await canvasStats(page, "#attack-diff")).std).toBeGreaterThan(5);
  expect(Object.keys(await top5("#attack-adv-top5"))).toHaveLength(5);
  expect(app.errors).toEqual([]);
}, 240_000);

test("a long PGD reports each step's loss, and Stop keeps the last step's image", async () => {
  const { page } = app;
  const photo = await canvasStats(page, "#attack-paint");
  await page.select("#attack-method", "pgd");
  await page.$eval("#attack-steps", (e) => {
    (e as HTMLInputElement).value = "200";
  });
  await page.click("#attack-run");
  // the bar shows a step's loss once the GPU has finished that step
  await page.waitForFunction(
    "/loss of the true class \\d/.test(document.getElementById('attack-progress').textContent)",
    { timeout: 120_000, polling: 100 },
  );
  await page.click("#attack-stop");
  const text = await waitJob(page, "attack-progress", 120_000);
  expect(text).toMatch(/Attack stopped after \d+ of 200 steps/);
  const done = Number(/after (\d+) of/.exec(text)![1]);
  expect(done).toBeGreaterThanOrEqual(1);
  expect(done).toBeLessThan(200);
  // the image shown is a finished step's: changed, and inside the ε = 0.03 ball (7.65 levels)
  const d = meanAbsDiff(photo, await canvasStats(page, "#attack-adv"));
  expect(d).toBeGreaterThan(0.1);
  expect(d).toBeLessThan(0.03 * 255 + 1);
  await page.select("#attack-method", "fgsm");
  expect(app.errors).toEqual([]);
}, 240_000);

test("a Grad-CAM heatmap renders over the photo", async () => {
  const { page } = app;
  await page.select("#explain-method", "gradcam");
  await page.click("#explain-run");
  expect(await waitJob(page, "explain-progress", 180_000)).toMatch(/Explain finished: gradcam/);
  const heat = await canvasStats(page, "#explain-gradcam");
  expect([heat.width, heat.height]).toEqual([64, 64]);
  expect(heat.std).toBeGreaterThan(5);
  expect(app.errors).toEqual([]);
}, 240_000);

test("the Fashion-MNIST sweep runs on the shipped batch and draws its curve", async () => {
  const { page } = app;
  await page.click("#sweep-run");
  expect(await waitJob(page, "sweep-progress", 180_000)).toMatch(/Accuracy against ε finished/);
  const rows = await page.$$eval("#sweep-chart tbody tr", (r) =>
    r.map((tr) => Number(/\((\d+)\/16\)/.exec(tr.textContent ?? "")?.[1])),
  );
  expect(rows).toHaveLength(7);
  // the clean accuracy of the shipped CNN is high, and FGSM at ε = 0.3 takes most of it away
  expect(rows[0]).toBeGreaterThan(10);
  expect(rows[6]).toBeLessThan(rows[0]);
  expect(await page.$$eval("#sweep-chart svg circle", (c) => c.length)).toBe(7);
  await screenshot(page, "13-attack", true);
  expect(app.errors).toEqual([]);
}, 240_000);

test("Stop ends a PGD sweep between batches, keeping the ε values it finished", async () => {
  const { page } = app;
  await page.select("#sweep-method", "pgd");
  await page.click("#sweep-run");
  // 16 images a batch here: stop once the first ε (the clean accuracy) is in
  await page.waitForFunction(
    "Number(document.getElementById('sweep-progress').dataset.done) >= 16",
    { timeout: 120_000, polling: 50 },
  );
  await page.click("#sweep-stop");
  const text = await waitJob(page, "sweep-progress", 180_000);
  expect(text).toMatch(/Accuracy against ε stopped after \d+ of 112 images/);
  const rows = await page.$$eval("#sweep-chart tbody tr", (r) => r.length);
  expect(rows).toBeGreaterThanOrEqual(1);
  expect(rows).toBeLessThan(7);
  await page.select("#sweep-method", "fgsm");
  expect(app.errors).toEqual([]);
}, 240_000);

test("offline (only the app's own server) and no serious accessibility violation", async () => {
  const { page } = app;
  const others = requests.filter((u) => !/^(https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/.test(u));
  expect(others).toEqual([]);
  expect(requests.some((u) => u.includes("data/fashion-mnist-test-256.safetensors"))).toBe(true);
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(d: Document, o: object): Promise<never> } }).axe;
    const r: { violations: { id: string; impact: string }[] } = await axe.run(document, {
      resultTypes: ["violations"],
    });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => v.id);
  });
  expect(violations).toEqual([]);
});
