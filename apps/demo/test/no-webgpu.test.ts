// With WebGPU switched off (Chromium's --disable-features=WebGPU) the app explains which
// browsers and flags work instead of showing a blank page.

import { expect, test } from "vitest";
import { openApp, screenshot } from "./helpers.ts";

test("without WebGPU the app says which browsers and flags work", async () => {
  const app = await openApp("", "off");
  try {
    const text = await app.page.$eval("#no-webgpu", (e) => e.textContent ?? "");
    expect(text).toMatch(/Chrome or Edge 113\+/);
    expect(text).toMatch(/Safari 26\+/);
    expect(text).toMatch(/Firefox 141\+/);
    expect(text).toMatch(/enable-unsafe-webgpu/);
    await screenshot(app.page, "00-no-webgpu");
    expect(app.errors).toEqual([]);
  } finally {
    await app.browser.close();
  }
});
