// The dream page's defaults on a shipped sample photo, as a new user gets them: open the app
// (optionally with URL settings), load a photo with "Sample photo", press Dream, wait, and save
// the page and the result canvas. Used for docs/first-five/ (before/after of the defaults).
//   node apps/demo/screenshot-photo.mjs <out-prefix> [query] [clicks of Sample photo] [mode]
// e.g. node apps/demo/screenshot-photo.mjs docs/first-five/after-chelsea "" 1 swiftshader

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { launchChromium } from "../../scripts/chromium.mjs";
import { buildDemo } from "./build.mjs";
import { startServer } from "./serve.mjs";

const prefix = resolve(process.argv[2] ?? "dream-defaults");
const query = process.argv[3] ?? "";
const clicks = Number(process.argv[4] ?? 1); // 1: chelsea.png, 2: coffee.png, …
const mode = process.argv[5] ?? "swiftshader";

await buildDemo();
const server = await startServer({ port: 0 });
const browser = await launchChromium(mode);
const t0 = Date.now();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 900 });
  await page.goto(`${server.url}${query}`);
  await page.waitForFunction("window.__sheepDemo?.ready", { timeout: 120_000 });
  for (let i = 0; i < clicks; i++) {
    const before = await page.$eval(".dream-page .caption", (e) => e.textContent);
    await page.click(".dream-page .sample-photo");
    await page.waitForFunction(
      (b) => document.querySelector(".dream-page .caption")?.textContent !== b,
      { timeout: 60_000 },
      before,
    );
  }
  await page.click("#dream-run");
  // polled from here: one long waitForFunction outlasts puppeteer's protocol timeout
  const done = () =>
    page.evaluate(
      "!document.body.classList.contains('busy') && " +
        "!!document.querySelector('#dream-progress.finished, #dream-progress.failed')",
    );
  while (!(await done())) await new Promise((r) => setTimeout(r, 5000));
  const text = await page.$eval("#dream-progress", (e) => e.textContent);
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(dirname(prefix), { recursive: true });
  await page.screenshot({ path: `${prefix}-page.png` });
  const png = await page.$eval("#dream-result", (c) => c.toDataURL("image/png"));
  writeFileSync(`${prefix}.png`, Buffer.from(png.split(",")[1], "base64"));
  console.log(
    `${text}\nsaved ${prefix}.png and ${prefix}-page.png (${(Date.now() - t0) / 1000} s)`,
  );
} finally {
  await browser.close();
  await server.close();
}
