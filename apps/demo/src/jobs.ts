// Long jobs (dreams, visualisations, grids) one at a time: the GPU does one thing well, and two
// jobs would each take twice as long. A job gets a stop signal, reports into its page's
// progress bar, and ends in words: finished, stopped, failed (why), or cut short by a lost
// device (which is replaced; what is on screen stays).

import { deviceLost, ensureDevice, lossCount, recover, settleDevice } from "./engine/device.ts";
import { describe } from "./ui/banner.ts";
import { FormError } from "./ui/dom.ts";
import type { ProgressView } from "./ui/progress.ts";

let current: AbortController | null = null;

export function jobRunning(): boolean {
  return current !== null;
}

/** Buttons that start jobs carry data-run; they are disabled while any job runs. */
function setBusy(busy: boolean): void {
  document.body.classList.toggle("busy", busy);
  for (const b of document.querySelectorAll<HTMLButtonElement>("button[data-run]"))
    b.disabled = busy;
  for (const b of document.querySelectorAll<HTMLButtonElement>("button[data-stop]"))
    b.disabled = !busy;
}

export interface JobSpec {
  /** "Dream", "Channel grid"… */
  name: string;
  progress: ProgressView;
  /** Runs the job; resolves to a one-line summary ("64×64, 2 octaves"). */
  run: (signal: AbortSignal) => Promise<string>;
  /** After a finished job: trace one of its steps for the engine panel. */
  trace?: () => Promise<unknown>;
}

/** Run a job; false if it did not finish (refused, stopped, failed). */
export async function runJob(spec: JobSpec): Promise<boolean> {
  if (current) {
    spec.progress.start("");
    spec.progress.fail("Another job is running: stop it first.");
    return false;
  }
  const controller = new AbortController();
  current = controller;
  setBusy(true);
  spec.progress.start(`${spec.name}: starting…`);
  const losses = lossCount();
  try {
    await ensureDevice();
    const summary = await spec.run(controller.signal);
    if (controller.signal.aborted) {
      const { done, total, unit } = spec.progress;
      const steps = total ? ` after ${done} of ${total} ${unit}s` : "";
      spec.progress.finish(`${spec.name} stopped${steps} (the result so far is shown): ${summary}`);
      return false;
    }
    spec.progress.finish(`${spec.name} finished: ${summary}`);
    await spec.trace?.().catch((e) => console.warn("trace failed:", e));
    return true;
  } catch (e) {
    await settleDevice();
    if (deviceLost() || lossCount() !== losses) {
      spec.progress.fail(
        `The GPU device was lost during “${spec.name}”; the engine opened a new one. The last ` +
          "result stays on screen: run the job again.",
      );
      if (deviceLost()) await recover(describe(e)).catch(() => {});
    } else if (e instanceof FormError) {
      spec.progress.fail(`${e.message}. Nothing was run: change it and try again.`);
    } else {
      spec.progress.fail(`${spec.name} failed: ${explain(e)}`);
      console.warn(e);
    }
    return false;
  } finally {
    current = null;
    setBusy(false);
  }
}

/**
 * A failure in words, with what to try. Whatever it was, the job's tensors were freed on the way
 * out (each pipeline disposes in finally blocks) and the app is ready for the next job.
 */
export function explain(e: unknown): string {
  const text = describe(e);
  const limit = /maxStorageBufferBindingSize|maxBufferSize|out of memory|OutOfMemory|allocation/i;
  const advice = limit.test(text)
    ? "the work did not fit in this GPU's memory. Try a smaller working size (or fewer " +
      "octaves), then run it again"
    : "run it again, or with a smaller size or fewer steps";
  return (
    `${text.replace(/\s+/g, " ").slice(0, 300)}. What to try: ${advice}; the app is ready for ` +
    "the next job."
  );
}

/** Stop the running job (its pipeline returns what it has so far). */
export function stopJob(): void {
  current?.abort();
}
