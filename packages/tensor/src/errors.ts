// Error types with messages a user can act on: which op, which shapes, which limit.

/** A shape or argument that an op cannot accept. The message names the op and the shapes. */
export class ShapeError extends Error {
  constructor(
    readonly op: string,
    readonly shapes: readonly (readonly number[])[],
    detail: string,
  ) {
    super(`${op}: ${detail} (got ${shapes.map(fmtShape).join(" and ")})`);
    this.name = "ShapeError";
  }
}

/** Using a tensor after dispose(), or one whose device was lost. */
export class DisposedError extends Error {
  constructor(what: string) {
    super(what);
    this.name = "DisposedError";
  }
}

/** A request the device cannot serve: a buffer over its limits, a lost device, no adapter. */
export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeviceError";
  }
}

/** Found a NaN or infinity where the caller asked for finite values. */
export class NonFiniteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NonFiniteError";
  }
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
