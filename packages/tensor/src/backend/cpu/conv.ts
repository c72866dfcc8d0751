// The cpu oracle's convolution routines: direct loops over the definition.

import type { ConvRoutines } from "../conv-routines.ts";
import type { Impl } from "./util.ts";

export const cpuConv: { [K in keyof ConvRoutines]: Impl<K> } = {};
