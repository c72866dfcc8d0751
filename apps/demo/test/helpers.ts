// Driving the demo in headless Chromium (system package, WebGPU on SwiftShader): open a page,
// collect console errors, wait for jobs, read canvases back, catch downloads, save screenshots
// under artifacts/demo/.

import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer";
import { inject } from "vitest";
import { launchChromium } from "../../../scripts/chromium.mjs";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export const ARTIFACTS = join(import.meta.dirname, "..", "..", "..", "artifacts", "demo");

export interface App {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors since the page opened. */
  errors: string[];
  url: string;
}

/** Launch Chromium and open the app with `query` (e.g. "?size=48&steps=2#features"). */
export async function openApp(
  query = "",
  mode: "swiftshader" | "off" = "swiftshader",
  /** Called with the page before it opens the app (to record requests, say). */
  before?: (page: Page) => void,
): Promise<App> {
  const url = inject("demoUrl");
  const browser = await launchChromium(mode);
  const page = await browser.newPage();
  before?.(page);
  await page.setViewport({ width: 1360, height: 900 });
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page: ${(e as Error).message}`));
  await page.goto(`${url}${query}`);
  await page.waitForFunction("window.__sheepDemo?.ready || document.getElementById('no-webgpu')", {
    timeout: 60_000,
  });
  return { browser, page, errors, url };
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

export async function showPage(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

/** Wait until no job runs, then return the text of progress `id` (it must say "finished"). */
export async function waitJob(page: Page, id: string, timeout = 120_000): Promise<string> {
  await page.waitForFunction(
    (pid) => {
      const p = document.getElementById(pid);
      return !document.body.classList.contains("busy") && p?.matches(".finished, .failed");
    },
    { timeout, polling: 200 },
    id,
  );
  return page.$eval(`#${id}`, (e) => e.textContent ?? "");
}

export interface CanvasStats {
  width: number;
  height: number;
  /** Standard deviation of all RGB values (0 for a blank canvas). */
  std: number;
  /** The RGB values, for comparisons. */
  pixels: number[];
}

export async function canvasStats(page: Page, selector: string): Promise<CanvasStats> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    const pixels: number[] = [];
    for (let i = 0; i < d.length; i += 4) pixels.push(d[i], d[i + 1], d[i + 2]);
    const mean = pixels.reduce((a, b) => a + b, 0) / pixels.length;
    const std = Math.sqrt(pixels.reduce((a, b) => a + (b - mean) ** 2, 0) / pixels.length);
    return { width: canvas.width, height: canvas.height, std, pixels };
  });
}

/** Mean absolute difference of two equally sized canvases, in 8-bit levels. */
export function meanAbsDiff(a: CanvasStats, b: CanvasStats): number {
  if (a.pixels.length !== b.pixels.length) return Number.POSITIVE_INFINITY;
  let s = 0;
  for (let i = 0; i < a.pixels.length; i++) s += Math.abs(a.pixels[i] - b.pixels[i]);
  return s / a.pixels.length;
}

/** Record downloads instead of saving them: each link click stores its name and bytes. */
export async function catchDownloads(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __downloads: Promise<{ name: string; head: number[]; size: number }>[];
    };
    w.__downloads = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      const name = this.download;
      w.__downloads.push(
        fetch(this.href)
          .then((r) => r.arrayBuffer())
          .then((b) => ({ name, head: [...new Uint8Array(b.slice(0, 8))], size: b.byteLength })),
      );
    };
  });
}

export async function downloads(
  page: Page,
): Promise<{ name: string; head: number[]; size: number }[]> {
  await page.waitForFunction("window.__downloads.length > 0", { timeout: 30_000 });
  return page.evaluate(() =>
    Promise.all((window as unknown as { __downloads: Promise<never>[] }).__downloads),
  );
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function audit(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof window.axe"))?.toString().includes("object"))
    await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}
