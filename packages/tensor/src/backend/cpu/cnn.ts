// The cpu oracle's pooling, Gram, normalisation and image routines: direct loops.

import type { CnnRoutines } from "../cnn-routines.ts";
import type { Impl } from "./util.ts";

export const cpuCnn: { [K in keyof CnnRoutines]: Impl<K> } = {};
