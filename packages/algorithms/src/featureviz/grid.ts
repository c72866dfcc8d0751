// Many visualisations in one picture: the first K channels of a layer as a grid (rendered a
// batch at a time), and the ablation that shows what each trick of the robust recipe adds.

import { type Tensor, tensor } from "@sheep/tensor";
import { blit, canvas, drawText, fitText, lineHeight } from "../common/canvas.ts";
import { textWidth } from "../common/font.ts";
import type { OnProgress } from "../dream/dream.ts";
import { checkTap, type DreamModel } from "../model.ts";
import type { Objective, ObjectiveTerm } from "../objective.ts";
import { NO_TRANSFORMS, ROBUST_TRANSFORMS, type TransformOptions } from "./transforms.ts";
import {
  renderBatch,
  type VizOptions,
  type VizProgress,
  type VizSettings,
  vizSettings,
} from "./visualize.ts";

export interface GridCell {
  /** Where the cell's image sits in the grid image, in pixels. */
  top: number;
  left: number;
  size: number;
  label?: string;
}

export interface GridResult {
  /** [1, 3, height, width] in [0, 1], white between cells. */
  image: Tensor;
  cells: GridCell[];
  rows: number;
  columns: number;
}

export interface GridOptions extends VizOptions {
  /** Images optimised together in one batch (default 8). */
  batch?: number;
  /** Cells per row (default: ⌈√count⌉ for grids, all in one row for the ablation). */
  columns?: number;
  /** White pixels between cells (default 2). */
  gap?: number;
  /** Write a label under each cell (default: off for grids, on for the ablation). */
  labels?: boolean;
  /** Grids: maximise each channel's centre neuron instead of its mean. */
  neuron?: boolean;
}

export interface GridProgress extends VizProgress {
  /** 0-based batch (or ablation stage) being rendered, and how many there are. */
  batch: number;
  batches: number;
  /** Steps finished in all, out of total. */
  done: number;
  total: number;
}

/**
 * Cell positions: `columns` per row, `gap` between them, a label band under each if asked.
 * Columns are `cellWidth` wide (default: the image size; wider when a label needs it, so that
 * no label is cut), each image centred in its column.
 */
export function gridLayout(
  count: number,
  size: number,
  columns: number,
  gap: number,
  labels: boolean,
  cellWidth = size,
) {
  const rows = Math.ceil(count / columns);
  const band = labels ? lineHeight() : 0;
  const pad = (cellWidth - size) >> 1;
  const cells: GridCell[] = Array.from({ length: count }, (_, i) => ({
    top: Math.floor(i / columns) * (size + band + gap),
    left: (i % columns) * (cellWidth + gap) + pad,
    size,
  }));
  const width = columns * cellWidth + (columns - 1) * gap;
  const height = rows * (size + band) + (rows - 1) * gap;
  return { cells, rows, width, height, band };
}

/** Draw rendered images (3·size² floats each, plane by plane) and labels into one tensor. */
function compose(
  images: (Float32Array | null)[],
  labels: string[] | null,
  size: number,
  columns: number,
  gap: number,
): GridResult {
  // Wide enough for the longest label (with a pixel each side): "+ decorrelate" is not cut.
  const widest = labels ? Math.max(...labels.map((l) => textWidth(l) + 2)) : 0;
  const cellWidth = Math.max(size, widest);
  const layout = gridLayout(images.length, size, columns, gap, labels !== null, cellWidth);
  const c = canvas(layout.width, layout.height);
  layout.cells.forEach((cell, i) => {
    const img = images[i];
    if (img) blit(c, img, size, size, cell.top, cell.left);
    if (!labels) return;
    const text = fitText(labels[i], cellWidth);
    cell.label = labels[i];
    const left = cell.left + Math.floor((size - textWidth(text)) / 2);
    drawText(c, text, cell.top + size + 2, left);
  });
  const image = tensor(c.data, { shape: [1, 3, layout.height, layout.width] });
  return { image, cells: layout.cells, rows: layout.rows, columns };
}

/** "0-7,12" → [0, 1, …, 7, 12]. */
export function parseChannels(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new Error(`bad channel range "${part}": expected N or A-B`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a) throw new Error(`bad channel range "${part}": ${b} < ${a}`);
    for (let c = a; c <= b; c++) out.push(c);
  }
  if (out.length === 0) throw new Error(`no channels in "${spec}"`);
  return out;
}

async function hostImages(x: Tensor): Promise<Float32Array[]> {
  const data = await x.data();
  const per = 3 * x.shape[2] * x.shape[3];
  return Array.from(
    { length: x.shape[0] },
    (_, b) => new Float32Array(data.slice(b * per, (b + 1) * per)),
  );
}

/**
 * The channels of `layer` as a grid, `batch` channels optimised at a time (each batch item
 * maximises its own channel). With "naive" on VGG16 these are the classic filter grids.
 */
export async function channelGrid(
  model: DreamModel,
  layer: string,
  channels: readonly number[],
  options: GridOptions = {},
  onProgress?: OnProgress<GridProgress>,
  signal?: AbortSignal,
): Promise<GridResult> {
  checkTap(model, layer);
  const s = vizSettings(options);
  const batch = options.batch ?? 8;
  const batches = Math.ceil(channels.length / batch);
  const images: (Float32Array | null)[] = channels.map(() => null);
  for (let k = 0; k < batches && !signal?.aborted; k++) {
    const chunk = channels.slice(k * batch, (k + 1) * batch);
    const targets: ObjectiveTerm[] = chunk.map((channel) => ({
      kind: "channel",
      layer,
      channel,
      neuron: options.neuron,
    }));
    const progress =
      onProgress &&
      ((p: VizProgress) =>
        onProgress({
          ...p,
          batch: k,
          batches,
          done: k * s.steps + p.step,
          total: batches * s.steps,
        }));
    const out = await renderBatch(model, targets, s, progress, signal);
    (await hostImages(out)).forEach((img, i) => {
      images[k * batch + i] = img;
    });
    out.dispose();
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(channels.length));
  const labels = options.labels ? channels.map((c) => `#${c}`) : null;
  return compose(images, labels, s.size, columns, options.gap ?? 2);
}

/** One column of the ablation: its label and what it changes from the naive start. */
export interface AblationStage {
  label: string;
  param: VizSettings["param"];
  transforms: TransformOptions;
}

const JITTER_ONLY: TransformOptions = { ...NO_TRANSFORMS, pad: 12, jitter: 8, jitter2: 4 };

/**
 * Naive pixels (through a sigmoid, optimised with Adam like the rest), then one trick added per
 * stage, in the order of the Distill article: decorrelated colour, the Fourier basis, and the
 * transformations jitter, scale and rotate. The last stage is the robust recipe.
 */
export const ABLATION_STAGES: readonly AblationStage[] = [
  {
    label: "naive pixels",
    param: { kind: "pixel", decorrelate: false, sigmoid: true },
    transforms: NO_TRANSFORMS,
  },
  {
    label: "+ decorrelate",
    param: { kind: "pixel", decorrelate: true, sigmoid: true },
    transforms: NO_TRANSFORMS,
  },
  {
    label: "+ fourier",
    param: { kind: "fourier", decorrelate: true, sigmoid: true },
    transforms: NO_TRANSFORMS,
  },
  {
    label: "+ jitter",
    param: { kind: "fourier", decorrelate: true, sigmoid: true },
    transforms: JITTER_ONLY,
  },
  {
    label: "+ scale",
    param: { kind: "fourier", decorrelate: true, sigmoid: true },
    transforms: { ...JITTER_ONLY, scales: ROBUST_TRANSFORMS.scales },
  },
  {
    label: "+ rotate",
    param: { kind: "fourier", decorrelate: true, sigmoid: true },
    transforms: ROBUST_TRANSFORMS,
  },
];

/**
 * Render `target` once per stage with the same seed, steps and Adam learning rate, side by side
 * with labels. Options: size, steps, lr, seed, columns, gap, labels (on), stages.
 */
export async function ablation(
  model: DreamModel,
  target: Objective,
  options: GridOptions & { stages?: readonly AblationStage[] } = {},
  onProgress?: OnProgress<GridProgress>,
  signal?: AbortSignal,
): Promise<GridResult> {
  const stages = options.stages ?? ABLATION_STAGES;
  const base = vizSettings({ ...options, recipe: "robust" });
  const images: (Float32Array | null)[] = stages.map(() => null);
  for (const [k, stage] of stages.entries()) {
    if (signal?.aborted) break;
    const s: VizSettings = { ...base, param: stage.param, transforms: stage.transforms };
    const progress =
      onProgress &&
      ((p: VizProgress) =>
        onProgress({
          ...p,
          batch: k,
          batches: stages.length,
          done: k * s.steps + p.step,
          total: stages.length * s.steps,
        }));
    const out = await renderBatch(model, [target], s, progress, signal);
    images[k] = (await hostImages(out))[0];
    out.dispose();
  }
  const labels = options.labels === false ? null : stages.map((s) => s.label);
  const columns = options.columns ?? stages.length;
  return compose(images, labels, base.size, columns, options.gap ?? 2);
}
