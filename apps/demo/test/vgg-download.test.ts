// VGG16 in the browser without the hub (unreachable from here): a local server plays Hugging
// Face, serving a VGG16-shaped file with random weights at 1/16 width. The app shows its size
// before downloading, survives a cut connection (Range resume), keeps a failed download's bytes
// for "Resume", caches the file for the next visit, dreams with a class mixture, and opens a
// local .safetensors file.

import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomVggWeights, vggConfig, vggSafetensors } from "@sheep/models";
import type { ElementHandle } from "puppeteer";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  type App,
  canvasStats,
  meanAbsDiff,
  openApp,
  screenshot,
  showPage,
  waitJob,
} from "./helpers.ts";

const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
const file = vggSafetensors(config, "timm", randomVggWeights(config, 3));
const requests: string[] = [];
/** /vgg16.safetensors cuts its first full response at 40 %; /flaky/… cuts all while broken. */
let flakyBroken = true;
let base = "";

function send(req: IncomingMessage, res: ServerResponse, cutAt: number | null): void {
  const cors = {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "range",
    "access-control-expose-headers": "content-range, content-length, accept-ranges",
  };
  if (req.method === "OPTIONS") {
    res.writeHead(204, { ...cors, "access-control-allow-methods": "GET, HEAD" }).end();
    return;
  }
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  const start = m ? Number(m[1]) : 0;
  const headers = {
    ...cors,
    "accept-ranges": "bytes",
    "content-type": "application/octet-stream",
    "content-length": String(file.length - start),
  };
  if (m)
    Object.assign(headers, { "content-range": `bytes ${start}-${file.length - 1}/${file.length}` });
  res.writeHead(m ? 206 : 200, headers);
  if (req.method === "HEAD") {
    res.end();
  } else if (cutAt !== null && cutAt > start) {
    // Send part of the body, then drop the connection mid-transfer.
    res.write(file.subarray(start, cutAt), () => setTimeout(() => res.destroy(), 50));
  } else res.end(file.subarray(start));
}

const server = createServer((req, res) => {
  requests.push(`${req.method} ${req.url} ${req.headers.range ?? ""}`.trim());
  const first = !requests.slice(0, -1).some((r) => r.startsWith("GET /vgg16"));
  if (req.url === "/vgg16.safetensors")
    send(req, res, first && req.method === "GET" ? Math.floor(file.length * 0.4) : null);
  else if (req.url === "/flaky/vgg16.safetensors")
    send(req, res, flakyBroken ? Math.floor(file.length * 0.3) : null);
  else res.writeHead(404).end();
});

let app: App;

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app = await openApp(
    `?size=48&octaves=1&steps=2&retryDelayMs=200&vggUrl=${base}/vgg16.safetensors#models`,
  );
});

afterAll(async () => {
  await app?.browser.close();
  await new Promise((r) => server.close(r));
});

const pageErrors = () => app.errors.filter((e) => e.startsWith("page:"));

test("the size is shown before the download; a cut connection resumes with Range", async () => {
  const { page } = app;
  const bytes = file.length.toLocaleString("en");
  await page.click("#vgg-size-check"); // asked only on request: no request at load
  await page.waitForFunction(
    (b) => document.getElementById("vgg-size")?.textContent?.includes(b),
    {},
    bytes,
  );
  await page.click("#vgg-download-run");
  await page.waitForFunction(
    "document.getElementById('vgg-download').textContent.startsWith('Downloaded')",
    { timeout: 60_000 },
  );
  expect(
    Number(await page.$eval("#vgg-download", (e) => (e as HTMLElement).dataset.attempts)),
  ).toBeGreaterThanOrEqual(2);
  expect(requests.some((r) => /^GET \/vgg16.safetensors bytes=\d+-$/.test(r))).toBe(true);
  expect(await page.$eval("#vgg-status", (e) => e.textContent)).toMatch(/VGG16/);
  await screenshot(page, "07-models");
  expect(pageErrors()).toEqual([]);
});

test("the next visit finds it cached, and VGG16 dreams with a class mixture", async () => {
  const { page } = app;
  await page.reload();
  await page.waitForSelector("#vgg-download[data-cached]", { timeout: 30_000 });
  await showPage(page, "#dream");
  await page.waitForFunction("!document.querySelector('option[value=vgg]').disabled");
  await page.select(".dream-page select", "vgg");
  await page.type("input[placeholder^='e.g. hen']", "hen:1");
  const before = await canvasStats(page, "#dream-result");
  await page.click("#dream-run");
  expect(await waitJob(page, "dream-progress")).toMatch(
    /Dream finished: .*vgg16: block4_conv3×1, hen:1/,
  );
  expect(meanAbsDiff(before, await canvasStats(page, "#dream-result"))).toBeGreaterThan(0.5);
  expect(await page.$eval("#vgg-status", (e) => e.textContent)).toMatch(/all layers on the GPU/);
  expect(pageErrors()).toEqual([]);
});

test("a failed download keeps its bytes and resumes from them", async () => {
  const { page } = app;
  await page.goto(`${app.url}?retries=0&vggUrl=${base}/flaky/vgg16.safetensors#models`);
  await page.waitForFunction("window.__sheepDemo?.ready");
  await page.click("#vgg-download-run");
  await page.waitForFunction(
    "document.getElementById('vgg-download').classList.contains('error')",
    { timeout: 30_000 },
  );
  expect(await page.$eval("#vgg-download", (e) => e.textContent)).toMatch(/failed.*are kept/);
  expect(await page.$eval("#vgg-download-run", (e) => e.textContent)).toBe("Resume");
  await screenshot(page, "08-download-failed");
  flakyBroken = false;
  await page.click("#vgg-download-run");
  await page.waitForFunction(
    "document.getElementById('vgg-download').textContent.startsWith('Downloaded')",
    { timeout: 30_000 },
  );
  expect(await page.$eval("#vgg-download", (e) => e.textContent)).toMatch(/resumed from/);
  expect(pageErrors()).toEqual([]);
});

test("a local .safetensors file opens without a download", async () => {
  const { page } = app;
  const path = join(tmpdir(), `vgg16-test-${process.pid}.safetensors`);
  writeFileSync(path, file);
  const input = (await page.$("input#vgg-file")) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
  await page.waitForFunction(
    "document.getElementById('vgg-status').textContent.includes('VGG16 from vgg16-test')",
  );
  expect(pageErrors()).toEqual([]);
});
