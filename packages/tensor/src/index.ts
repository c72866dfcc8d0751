// @sheep/tensor: a WebGPU tensor engine with reverse-mode autograd and a float64 cpu oracle.

import "./methods.ts";

export type { Backend, BackendInfo, DeviceLimits, Storage } from "./backend/backend.ts";
export type { DType, HostArray } from "./dtype.ts";
export { type BackendKind, engine, type MemoryInfo } from "./engine.ts";
export { DeviceError, DisposedError, NonFiniteError, ShapeError } from "./errors.ts";
export { formatExpr } from "./expr.ts";
export * from "./functions.ts";
export { type InitOptions, init, release } from "./init.ts";
export * as nn from "./nn/index.ts";
export type { OpAttrs, OpName } from "./ops/attrs.ts";
export { OP_NAMES, table } from "./ops/table.ts";
export * as optim from "./optim/index.ts";
export { manualSeed } from "./random.ts";
export { assertFinite, keep, tidy } from "./scope.ts";
export { Tensor } from "./tensor.ts";
export type { DispatchRecord } from "./trace.ts";
