// A progress line on stderr with rate and time left: redrawn in place on a terminal, printed
// every few seconds otherwise (logs, CI), and cleared when done. The time left comes from the
// measured rate since the first finished unit (the first also compiles pipelines, which would
// skew it), so it corrects itself as the job goes; units may be weighted (a dream counts
// pixels, not steps: a late octave's step costs twice an early one's).

export interface ProgressOptions {
  /** Format an amount (bytes, steps…); null hides the counts (weighted units mean nothing). */
  unit?: ((n: number) => string) | null;
  stream?: NodeJS.WriteStream;
}

const clock = (s: number) => {
  if (!Number.isFinite(s)) return "--:--";
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const sec = Math.floor(s % 60)
    .toString()
    .padStart(2, "0");
  return h ? `${h}:${(m % 60).toString().padStart(2, "0")}:${sec}` : `${m}:${sec}`;
};

export class ProgressBar {
  private readonly start = performance.now();
  private lastPrint = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly unit: ((n: number) => string) | null;
  /** Time and amount at the first update, where the rate is measured from. */
  private first: { t: number; done: number } | null = null;

  constructor(
    private readonly label: string,
    private total: number,
    opts: ProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.unit = opts.unit === undefined ? String : opts.unit;
  }

  update(done: number, note = "", total = this.total): void {
    this.total = total;
    const now = performance.now();
    const elapsed = (now - this.start) / 1000;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    this.first ??= { t: now, done };
    const rate = (done - this.first.done) / ((now - this.first.t) / 1000);
    const eta = rate > 0 ? (this.total - done) / rate : Number.POSITIVE_INFINITY;
    const width = 24;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    const counts = this.unit ? ` ${this.unit(done)}/${this.unit(this.total)}` : "";
    const line = `${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%${counts} · ${clock(elapsed)} elapsed · ETA ${clock(eta)}${note ? ` · ${note}` : ""}`;
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    } else if (now - this.lastPrint > 5000 || done >= this.total) {
      this.stream.write(`${line}\n`);
      this.lastPrint = now;
    }
  }

  finish(message?: string): void {
    if (this.stream.isTTY) this.stream.write("\r\x1b[K");
    if (message) this.stream.write(`${message}\n`);
  }
}

/** Say on stderr what is happening now ("decoding photo.jpg…"), one line per phase. */
export function phase(text: string): void {
  process.stderr.write(`sheep: ${text}…\n`);
}

/** "2 min 5 s", "48 s", "1 h 3 min": a duration for people. */
export function duration(s: number): string {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}
