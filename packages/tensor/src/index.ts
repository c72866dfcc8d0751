// @sheep/tensor: a WebGPU tensor engine with reverse-mode autograd and a float64 cpu oracle.

import "./methods.ts";

export type { Backend, BackendInfo, DeviceLimits, Storage } from "./backend/backend.ts";
export type { DType, HostArray } from "./dtype.ts";
export { engine, type BackendKind, type MemoryInfo } from "./engine.ts";
export { formatExpr } from "./expr.ts";
export { DeviceError, DisposedError, NonFiniteError, ShapeError } from "./errors.ts";
export * from "./functions.ts";
export { init, release, type InitOptions } from "./init.ts";
export { OP_NAMES, table } from "./ops/table.ts";
export type { OpAttrs, OpName } from "./ops/attrs.ts";
export { manualSeed } from "./random.ts";
export { Tensor } from "./tensor.ts";
export type { DispatchRecord } from "./trace.ts";
export { assertFinite, keep, tidy } from "./scope.ts";
export * as nn from "./nn/index.ts";
export * as optim from "./optim/index.ts";
