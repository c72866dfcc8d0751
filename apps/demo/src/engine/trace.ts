// One step of a job under engine.trace: the forward pass to the objective's taps, backward to
// the image, the gradient normalised and the image updated — the unit every dream and
// visualisation repeats. The records (one per GPU dispatch) feed the engine panel.

import {
  actualPositions,
  type DreamModel,
  normalizeGradient,
  type Objective,
  prepareObjective,
  tapsOf,
} from "@sheep/algorithms";
import type { NCHW } from "@sheep/io/browser";
import { type DispatchRecord, engine, resize2d, type Tensor, tensor, tidy } from "@sheep/tensor";

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
}

/** The longest side fits maxSide and every tap keeps at least one position. */
function traceSize(spec: StepSpec, taps: readonly string[]): [number, number] {
  const [, , h, w] = spec.image.shape;
  const k = Math.min(1, spec.maxSide / Math.max(h, w));
  const min = spec.model.minSize?.(taps) ?? 1;
  return [Math.max(min, Math.round(h * k)), Math.max(min, Math.round(w * k))];
}

/** Trace one gradient-ascent step of `spec` and publish the dispatches. */
export async function traceStep(spec: StepSpec): Promise<TraceResult> {
  const objective = prepareObjective(spec.model, spec.objective);
  const [h, w] = traceSize(spec, objective.taps);
  // The input is uploaded and resized before the trace starts: the trace is the step alone.
  const x0 = tidy(() => {
    const x = tensor(spec.image.data, { shape: spec.image.shape });
    const sized = x.shape[2] === h && x.shape[3] === w ? x.add(0) : resize2d(x, [h, w]);
    engine.region(sized);
    return sized;
  });
  let out: Tensor | null = null;
  try {
    const records = await engine.trace(() =>
      tidy(() => {
        const x = x0.detach().requiresGrad_();
        const value = objective.value(tapsOf(spec.model, x, objective.taps), actualPositions);
        value.backward();
        const g = normalizeGradient(x.grad!, "std");
        out = x0.add(g.mul(1.5 / 255)).clamp(0, 1);
        return out;
      }),
    );
    const result = { records, label: `${spec.what} · ${h}×${w}`, at: new Date() };
    publish(result);
    return result;
  } finally {
    (out as Tensor | null)?.dispose();
    x0.dispose();
    objective.dispose();
  }
}
