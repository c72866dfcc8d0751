// The other CNN routines: pooling, the Gram matrix, batch norm, dropout and image ops.

import type { OpDef } from "./types.ts";

// biome-ignore lint/suspicious/noEmptyInterface: filled in as the CNN ops land
export interface CnnAttrs {}

export const cnnOps: { [K in keyof CnnAttrs]: OpDef<CnnAttrs[K]> } = {};
