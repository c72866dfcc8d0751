// A progress line on stderr with rate and time left: redrawn in place on a terminal, printed
// every few seconds otherwise (logs, CI), and cleared when done.

export interface ProgressOptions {
  /** Format an amount (bytes, steps…). */
  unit?: (n: number) => string;
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
  private readonly unit: (n: number) => string;

  constructor(
    private readonly label: string,
    private total: number,
    opts: ProgressOptions = {},
  ) {
    this.stream = opts.stream ?? process.stderr;
    this.unit = opts.unit ?? String;
  }

  update(done: number, note = "", total = this.total): void {
    this.total = total;
    const now = performance.now();
    const elapsed = (now - this.start) / 1000;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : Number.POSITIVE_INFINITY;
    const width = 24;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    const line = `${this.label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${this.unit(done)}/${this.unit(this.total)} · ${clock(elapsed)} elapsed · ETA ${clock(eta)}${note ? ` · ${note}` : ""}`;
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

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)} kB`;
  return `${n} B`;
}
