// The detector's box decoding and non-maximum suppression on crafted head outputs (no GPU):
// a box placed by hand in one cell comes back where YOLOv2's formulas put it, in image pixels,
// with the square padding undone; NMS keeps the best of overlapping boxes.

import { describe, expect, test } from "vitest";
import { TINY_DETECTOR } from "../src/face/detect-architecture.ts";
import { decodeBoxes, type FaceBox, iou, nonMaxSuppression } from "../src/face/detector.ts";

const logit = (p: number) => Math.log(p / (1 - p));

/** A head output [25, g, g] with every objectness very low, then `set` applied. */
function head(
  grid: number,
  set: (put: (a: number, k: number, r: number, c: number, v: number) => void) => void,
) {
  const raw = new Float32Array(25 * grid * grid);
  for (let a = 0; a < 5; a++) raw.fill(-20, (5 * a + 4) * grid * grid, (5 * a + 5) * grid * grid);
  set((a, k, r, c, v) => {
    raw[(5 * a + k) * grid * grid + r * grid + c] = v;
  });
  return raw;
}

describe("decodeBoxes", () => {
  test("one confident anchor: centre, size and score by the YOLOv2 formulas", () => {
    const grid = 10; // input 320
    const [aw, ah] = TINY_DETECTOR.anchors[2];
    const raw = head(grid, (put) => {
      put(2, 0, 4, 6, logit(0.25)); // x offset 0.25 within column 6
      put(2, 1, 4, 6, logit(0.5)); // y offset 0.5 within row 4
      put(2, 2, 4, 6, Math.log(2)); // width 2 anchors
      put(2, 3, 4, 6, 0); // height 1 anchor
      put(2, 4, 4, 6, logit(0.9));
    });
    // A square 640×640 image: no padding to undo.
    const [b] = decodeBoxes(raw, grid, {
      width: 640,
      height: 640,
      inputSize: 320,
      scoreThreshold: 0.5,
    });
    const cx = ((6 + 0.25) / grid) * 640;
    const cy = ((4 + 0.5) / grid) * 640;
    const w = ((2 * aw) / grid) * 640;
    const h = (ah / grid) * 640;
    expect(b.x).toBeCloseTo(cx - w / 2, 3);
    expect(b.y).toBeCloseTo(cy - h / 2, 3);
    expect(b.width).toBeCloseTo(w, 3);
    expect(b.height).toBeCloseTo(h, 3);
    expect(b.score).toBeCloseTo(0.9, 5);
  });

  test("a wide image: the padded bottom rows are undone (y stretched by the side ratio)", () => {
    const grid = 10;
    const raw = head(grid, (put) => {
      put(0, 1, 2, 3, 0); // y offset 0.5 in row 2
      put(0, 4, 2, 3, logit(0.8));
    });
    // 640×320 → padded to 640×640 at the bottom; input 320 holds the image in 320×160.
    const [b] = decodeBoxes(raw, grid, {
      width: 640,
      height: 320,
      inputSize: 320,
      scoreThreshold: 0.5,
    });
    const cy = (2.5 / grid) * 640; // in the padded square's pixels = the image's pixels
    expect(b.y + b.height / 2).toBeCloseTo(cy, 3);
  });

  test("below the threshold: nothing", () => {
    const raw = head(5, (put) => put(1, 4, 0, 0, logit(0.4)));
    expect(
      decodeBoxes(raw, 5, { width: 160, height: 160, inputSize: 160, scoreThreshold: 0.5 }),
    ).toEqual([]);
  });
});

describe("nonMaxSuppression", () => {
  const box = (x: number, score: number): FaceBox => ({ x, y: 0, width: 10, height: 10, score });
  test("keeps the best of boxes overlapping by more than IoU 0.4, and separate boxes", () => {
    const boxes = [box(0, 0.6), box(1, 0.9), box(30, 0.7), box(5, 0.8)];
    expect(iou(box(0, 0), box(1, 0))).toBeGreaterThan(0.4);
    expect(iou(box(1, 0), box(5, 0))).toBeCloseTo(60 / 140, 6); // 0.43: dropped
    const kept = nonMaxSuppression(boxes, 0.4);
    expect(kept.map((b) => b.x)).toEqual([1, 30]);
  });
});
