// Dispatch plans for pooling, Gram, normalisation and image routines.

import type { CnnRoutines } from "../cnn-routines.ts";
import type { Planner } from "./launch.ts";

export const cnnPlanners: { [K in keyof CnnRoutines]: Planner<K> } = {};
