// The cpu oracle's pooling, Gram, dropout, resize and filter routines: direct loops.

import type { CnnRoutines } from "../cnn-routines.ts";
import { cpuImage } from "./cnn-image.ts";
import { cpuPool } from "./cnn-pool.ts";
import type { Impl } from "./util.ts";

export const cpuCnn: { [K in keyof CnnRoutines]: Impl<K> } = { ...cpuPool, ...cpuImage };
