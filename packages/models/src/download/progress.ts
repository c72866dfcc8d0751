// Download progress as people read it: bytes so far, the total if known, the current speed
// (averaged over the last few seconds, so one slow chunk does not swing it) and the time left.

export interface Progress {
  /** Bytes on disk so far, resumed bytes included. */
  received: number;
  /** The full size, when the server or the caller says it. */
  total?: number;
  /** Speed over the last few seconds; 0 until two samples exist. */
  bytesPerSec: number;
  /** Seconds left at the current speed, when the total and a speed are known. */
  etaSec?: number;
}

export type ProgressCallback = (progress: Progress) => void;

const WINDOW_MS = 5000;

/** Turns a stream of byte counts into throttled Progress reports. */
export class ProgressMeter {
  private samples: { t: number; received: number }[] = [];
  private lastReport = Number.NEGATIVE_INFINITY;
  total?: number;

  constructor(
    private readonly onProgress: ProgressCallback | undefined,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Records the byte count. Reports at most once per interval unless `force`. A count that
   * goes down (a restart from zero) starts the speed estimate afresh.
   */
  update(received: number, force = false): void {
    const t = this.now();
    const last = this.samples.at(-1);
    if (last && received < last.received) this.samples = [];
    this.samples.push({ t, received });
    while (this.samples.length > 2 && t - this.samples[0].t > WINDOW_MS) this.samples.shift();
    if (!this.onProgress || (!force && t - this.lastReport < this.intervalMs)) return;
    this.lastReport = t;
    this.onProgress(this.snapshot());
  }

  snapshot(): Progress {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    const received = last?.received ?? 0;
    const seconds = first && last ? (last.t - first.t) / 1000 : 0;
    const bytesPerSec = seconds > 0 ? (received - first.received) / seconds : 0;
    const progress: Progress = { received, bytesPerSec };
    if (this.total !== undefined) {
      progress.total = this.total;
      if (bytesPerSec > 0) progress.etaSec = Math.max(0, this.total - received) / bytesPerSec;
    }
    return progress;
  }
}
