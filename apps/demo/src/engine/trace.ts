// One step of a job under engine.trace: the library's own dream step (dreamStep in
// @sheep/algorithms, the unit every octave of dream() repeats) — the roll, forward to the
// objective's taps, backward to the image, the gradient normalised and the image updated. The
// records (one per GPU dispatch) feed the engine panel.

import {
  type DreamModel,
  type DreamStepOptions,
  dreamStep,
  type Objective,
  prepareObjective,
} from "@sheep/algorithms";
import type { NCHW } from "@sheep/io/browser";
import { type DispatchRecord, engine, resize2d, type Tensor, tensor, tidy } from "@sheep/tensor";
import { deviceLost, lossCount } from "./device.ts";

export interface TraceResult {
  records: DispatchRecord[];
  /** What was traced, in words: "one dream step · face · layer3.2 · 64×64". */
  label: string;
  at: Date;
}

type Listener = (t: TraceResult) => void;
const listeners = new Set<Listener>();
let last: TraceResult | null = null;

export function onTrace(f: Listener): void {
  listeners.add(f);
}

export function lastTrace(): TraceResult | null {
  return last;
}

function publish(t: TraceResult): void {
  last = t;
  for (const f of listeners) f(t);
}

export interface StepSpec {
  model: DreamModel;
  objective: Objective;
  /** The image the step runs on ([1, 3, H, W] in [0, 1]). */
  image: NCHW;
  /** Longest side traced: a traced step runs untiled, so big pictures are scaled down first. */
  maxSide: number;
  what: string;
  /** The page's step size and normalisation (default: dream()'s, 1.5 and "std"). */
  step?: Pick<DreamStepOptions, "stepSize" | "normalize">;
}

/**
 * A traced step that has not finished in this long is reported as failed, in words, instead of
 * leaving the Trace job waiting: a GoogLeNet step at 96 px takes seconds on SwiftShader.
 */
export const TRACE_TIMEOUT_MS = 120_000;

/** The jitter the traced step rolls the image by: dream() rolls every step, so the trace does. */
const TRACE_SHIFT: [number, number] = [5, 3];

/** The longest side fits maxSide and every tap keeps at least one position. */
function traceSize(spec: StepSpec, taps: readonly string[]): [number, number] {
  const [, , h, w] = spec.image.shape;
  const k = Math.min(1, spec.maxSide / Math.max(h, w));
  const min = spec.model.minSize?.(taps) ?? 1;
  return [Math.max(min, Math.round(h * k)), Math.max(min, Math.round(w * k))];
}

/** True once the device in use now has been lost (or replaced). */
function lostSinceNow(): () => boolean {
  const losses = lossCount();
  return () => deviceLost() || lossCount() !== losses;
}

/**
 * Resolves as `work` does, or rejects in words when `lost()` turns true or `ms` pass: a
 * promise of a lost device's queue may never settle, and a job must always end.
 */
export function bounded<T>(work: Promise<T>, ms: number, lost = lostSinceNow()): Promise<T> {
  const started = performance.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = new Promise<never>((_, reject) => {
    // polled, not an onDevice listener: listeners there live as long as the page
    timer = setInterval(() => {
      if (lost()) reject(new Error("the GPU device was lost during the traced step"));
      else if (performance.now() - started > ms)
        reject(
          new Error(
            `the traced step did not finish in ${Math.round(ms / 1000)} s (the GPU may be ` +
              "stalled or far slower than expected)",
          ),
        );
    }, 100);
  });
  return Promise.race([work, stop]).finally(() => clearInterval(timer));
}

/** Trace one gradient-ascent step of `spec` and publish the dispatches. */
export async function traceStep(
  spec: StepSpec,
  timeoutMs = TRACE_TIMEOUT_MS,
): Promise<TraceResult> {
  const objective = prepareObjective(spec.model, spec.objective);
  const [h, w] = traceSize(spec, objective.taps);
  // The input is uploaded and resized before the trace starts: the trace is the step alone.
  const x0 = tidy(() => {
    const x = tensor(spec.image.data, { shape: spec.image.shape });
    const sized = x.shape[2] === h && x.shape[3] === w ? x.add(0) : resize2d(x, [h, w]);
    engine.region(sized);
    return sized;
  });
  const made: Tensor[] = [];
  try {
    const o = { stepSize: 1.5, normalize: "std" as const, ...spec.step, shift: TRACE_SHIFT };
    const step = () =>
      tidy(() => {
        const { next, value } = dreamStep(spec.model, objective, x0, o);
        made.push(next, value);
        return made;
      });
    const records = await bounded(engine.trace(step), timeoutMs);
    const result = { records, label: `${spec.what} · ${h}×${w}`, at: new Date() };
    publish(result);
    return result;
  } finally {
    for (const t of made) t.dispose();
    x0.dispose();
    objective.dispose();
  }
}
