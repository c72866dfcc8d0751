// The README's screenshot (docs/demo.png): build the app, serve it, dream on the sample picture
// in headless Chromium and capture the page. On SwiftShader (no GPU) this takes a few minutes.
//   node apps/demo/screenshot.mjs [out.png] [mode: swiftshader|gpu]

import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { launchChromium } from "../../scripts/chromium.mjs";
import { buildDemo } from "./build.mjs";
import { startServer } from "./serve.mjs";

const here = new URL(".", import.meta.url).pathname;
const out = resolve(process.argv[2] ?? join(here, "..", "..", "docs", "demo.png"));
const mode = process.argv[3] ?? "swiftshader";
const query = "?size=160&octaves=2&steps=8&stepSize=4&layers=layer2.3:1,layer3.2:1";

await buildDemo();
const server = await startServer({ port: 0 });
const browser = await launchChromium(mode);
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1360, height: 860 });
  await page.goto(`${server.url}${query}`);
  await page.waitForFunction(
    "document.getElementById('face-status')?.textContent.includes('ready')",
    {
      timeout: 120_000,
    },
  );
  await page.click("#dream-run");
  await page.waitForFunction(
    "!document.body.classList.contains('busy') && " +
      "document.querySelector('#dream-progress.finished')",
    { timeout: 1_800_000, polling: 1000 },
  );
  await page.evaluate(() => window.scrollTo(0, 0)); // the click scrolled the button into view
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
  await server.close();
}
