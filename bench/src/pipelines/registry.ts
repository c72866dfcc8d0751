// Pipeline benchmarks as a registry: each entry builds its pipeline (or says why it cannot run
// here yet) and returns one step to time. Later issues add their pipelines by adding an entry to
// PIPELINES below; the runner, the check against peers and the report need no change.

import type { Tensor } from "@sheep/tensor";
import type { Tf } from "../suite/case.ts";
import type { Prepared } from "../suite/engines.ts";
import type { Plan } from "../suite/plan.ts";
import type { Mode, PeerName, RunnerName } from "../suite/types.ts";
import { attackPipelines } from "./attack.ts";
import { dcganPipelines } from "./dcgan.ts";
import { dreamPipelines } from "./dream.ts";
import { embedPipelines } from "./embed.ts";
import { facePipelines } from "./face.ts";
import { ganPipelines } from "./gan.ts";
import { googlenetPipelines } from "./googlenet.ts";
import { knnPipelines } from "./knn.ts";
import { stylePipelines } from "./style.ts";
import { googlenetStylePipelines } from "./style-googlenet.ts";
import { trainPipelines } from "./train.ts";
import { vggPipelines } from "./vgg.ts";

export interface PipelineContext {
  mode: Mode;
  cpu: boolean;
  runner: RunnerName;
  plan: Plan;
  /** Timed rounds per pipeline when --runs says so (else by the slowest engine's time, ≥ 2). */
  runs?: number;
  /** TF.js, when a TF.js peer is loaded, with the backends that are. */
  tf: Tf | null;
  tfBackends: ("webgpu" | "wasm")[];
  /** The face network's weights as safetensors bytes, where the runner can provide them. */
  faceWeights?: () => Promise<Uint8Array<ArrayBuffer>>;
  /** A weights file shipped in packages/models/weights, where the runner can read it. */
  shippedWeights?: (file: string) => Promise<Uint8Array<ArrayBuffer>>;
  log(line: string): void;
}

/** A peer's version of the step, checked against the same output. */
export interface PipelinePeer extends Prepared {
  name: PeerName;
}

export interface PipelineSetup {
  /** What one step is: sizes, batch, tap. */
  config: string;
  /** One step of our pipeline; returns the tensors it produced (realised, then disposed). */
  step(): Tensor[];
  /** The output the peers are checked against, in our layout. */
  output?(): Promise<Float32Array>;
  /** Largest relative L2 error against a peer that still counts as the same result. */
  tol?: number;
  peers?: PipelinePeer[];
  /**
   * For pipelines that run their own loop (dream()): run n timed steps, return each one's wall
   * time. `step` is then unused.
   */
  timedSteps?(n: number): Promise<number[]>;
  dispose(): void;
}

export interface PipelineBench {
  name: string;
  description: string;
  /** Build it, or return why it is skipped ("not available yet: …"). */
  setup(ctx: PipelineContext): Promise<PipelineSetup | string>;
}

export const PIPELINES: readonly PipelineBench[] = [
  ...vggPipelines,
  ...trainPipelines,
  ...facePipelines,
  ...dreamPipelines,
  ...ganPipelines,
  ...stylePipelines,
  ...googlenetPipelines,
  ...dcganPipelines,
  ...embedPipelines,
  ...knnPipelines,
  ...googlenetStylePipelines,
  ...attackPipelines,
];

/** The VGG input side pipelines run at: small on CPU adapters, except in full mode. */
export function pipelineSide(ctx: PipelineContext): number {
  if (ctx.mode === "tiny") return 32;
  return ctx.cpu && ctx.mode === "quick" ? 64 : 224;
}

/** A setup's `output`: one step, its first tensor read back, the step's tensors disposed. */
export function firstOutput(step: () => Tensor[]): () => Promise<Float32Array> {
  return async () => {
    const outs = step();
    try {
      return (await outs[0].data()) as Float32Array;
    } finally {
      for (const t of outs) t.dispose();
    }
  };
}
