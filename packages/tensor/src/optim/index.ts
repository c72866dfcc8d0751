// optim: optimizers, gradient clipping and learning-rate schedules.

export { Adam, type AdamOptions, AdamW } from "./adam.ts";
export { clipGradNorm_, clipGradValue_ } from "./clip.ts";
export { type Closure, LBFGS, type LBFGSOptions } from "./lbfgs.ts";
export { cubicInterpolate, strongWolfe, type Trial, type WolfeOptions } from "./line-search.ts";
export {
  type BaseOptions,
  Optimizer,
  type ParamGroup,
  type ParamGroupSpec,
  type Params,
} from "./optimizer.ts";
export { RMSprop, type RMSpropOptions } from "./rmsprop.ts";
export { CosineAnnealingLR, LambdaLR, LRScheduler, StepLR } from "./schedule.ts";
export { SGD, type SGDOptions } from "./sgd.ts";
