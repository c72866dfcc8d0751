// The progress meter: speed over a sliding window, time left, throttling, and a restart from
// zero, driven by a fake clock.

import { describe, expect, it } from "vitest";
import { type Progress, ProgressMeter } from "../src/download/index.ts";

describe("ProgressMeter", () => {
  it("reports speed and time left, at most once per interval", () => {
    let t = 0;
    const reports: Progress[] = [];
    const meter = new ProgressMeter(
      (p) => reports.push(p),
      100,
      () => t,
    );
    meter.total = 10_000;
    meter.update(0);
    t = 50;
    meter.update(500); // within 100 ms of the last report: skipped
    t = 1000;
    meter.update(1000);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toEqual({ received: 1000, total: 10_000, bytesPerSec: 1000, etaSec: 9 });
    meter.update(1000, true); // forced reports always go out
    expect(reports).toHaveLength(3);
  });

  it("forgets samples older than the window, and starts afresh after a restart", () => {
    let t = 0;
    const meter = new ProgressMeter(undefined, 100, () => t);
    meter.update(0);
    t = 10_000;
    meter.update(1_000_000); // a burst long ago...
    t = 20_000;
    meter.update(1_010_000); // ...then 1 KB/s for 10 s
    expect(meter.snapshot().bytesPerSec).toBe(1000);
    t = 21_000;
    meter.update(0); // the server ignored Range: counting restarts
    expect(meter.snapshot()).toEqual({ received: 0, bytesPerSec: 0 });
  });
});
