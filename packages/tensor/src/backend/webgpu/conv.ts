// Dispatch plans for the convolution routines (shaders/conv2d*.wgsl).

import type { ConvRoutines } from "../conv-routines.ts";
import type { Planner } from "./launch.ts";

export const convPlanners: { [K in keyof ConvRoutines]: Planner<K> } = {};
