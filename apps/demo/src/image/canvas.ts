// Images between the engine and the screen: NCHW floats in [0, 1] (what the pipelines speak)
// onto 2D canvases, host-side resizing, and downloads. Canvases are plain 2D ones, so what they
// show survives a lost GPU device.

import { type NCHW, nchwToImage, nchwToImages, type RgbaImage } from "@sheep/io/browser";
import type { Tensor } from "@sheep/tensor";

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("this browser gave no 2D canvas context");
  return ctx;
}

export function drawRgba(canvas: HTMLCanvasElement, img: RgbaImage, left = 0, top = 0): void {
  const data = new Uint8ClampedArray(img.data);
  context(canvas).putImageData(new ImageData(data, img.width, img.height), left, top);
}

/** Draw one image [1, 3, H, W] (the canvas takes its size). */
export function drawNCHW(canvas: HTMLCanvasElement, image: NCHW): void {
  const [, , height, width] = image.shape;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  drawRgba(canvas, nchwToImage(image.data, image.shape));
  canvas.dataset.filled = "true";
}

/** Draw a batch [B, 3, s, s] side by side with a gap (the images a grid batch is optimising). */
export function drawBatch(canvas: HTMLCanvasElement, image: NCHW, gap = 2): void {
  const [n, , height, width] = image.shape;
  canvas.width = n * width + (n - 1) * gap;
  canvas.height = height;
  const ctx = context(canvas);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  nchwToImages(image.data, image.shape).forEach((img, i) => {
    drawRgba(canvas, img, i * (width + gap));
  });
  canvas.dataset.filled = "true";
}

/** A tensor's values on the host, as NCHW. */
export async function hostImage(t: Tensor): Promise<NCHW> {
  const data = await t.data();
  return { shape: [...t.shape] as NCHW["shape"], data: new Float32Array(data) };
}

/** Draw a tensor (one image or a batch). */
export async function drawTensor(canvas: HTMLCanvasElement, t: Tensor): Promise<NCHW> {
  const image = await hostImage(t);
  if (image.shape[0] === 1) drawNCHW(canvas, image);
  else drawBatch(canvas, image);
  return image;
}

export function canvasToRgba(canvas: HTMLCanvasElement | OffscreenCanvas): RgbaImage {
  const ctx = canvas.getContext("2d", { willReadFrequently: true }) as
    | CanvasRenderingContext2D
    | OffscreenCanvasRenderingContext2D
    | null;
  if (!ctx) throw new Error("this browser gave no 2D canvas context");
  const { width, height } = canvas;
  return { width, height, data: ctx.getImageData(0, 0, width, height).data };
}

/** Resize an image on the host with the browser's own (smooth) scaler. */
export function resizeRgba(img: RgbaImage, width: number, height: number): RgbaImage {
  const src = new OffscreenCanvas(img.width, img.height);
  const sctx = src.getContext("2d")!;
  sctx.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  const dst = new OffscreenCanvas(width, height);
  const dctx = dst.getContext("2d", { willReadFrequently: true })!;
  dctx.imageSmoothingQuality = "high";
  dctx.drawImage(src, 0, 0, width, height);
  return { width, height, data: dctx.getImageData(0, 0, width, height).data };
}

/** Save a blob under `name` through a temporary link (the browser's download flow). */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadCanvas(canvas: HTMLCanvasElement, name: string): void {
  canvas.toBlob((blob) => {
    if (blob) downloadBlob(blob, name);
  }, "image/png");
}
