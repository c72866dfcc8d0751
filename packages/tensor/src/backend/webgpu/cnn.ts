// Dispatch plans for pooling, Gram, dropout, resize and filter routines.

import type { CnnRoutines } from "../cnn-routines.ts";
import { imagePlanners } from "./cnn-image.ts";
import { poolPlanners } from "./cnn-pool.ts";
import type { Planner } from "./launch.ts";

export const cnnPlanners: { [K in keyof CnnRoutines]: Planner<K> } = {
  ...poolPlanners,
  ...imagePlanners,
};
