// The other CNN routines: pooling (cnn-pool.ts), and the Gram matrix, dropout, resizing and the
// 1-D filter behind gaussianBlur (cnn-image.ts). Batch norm, roll and the blur itself are
// compositions (fn/cnn-*.ts).

import { type ImageAttrs, imageOps } from "./cnn-image.ts";
import { type PoolAttrs, poolOps } from "./cnn-pool.ts";
import type { OpDef } from "./types.ts";

export interface CnnAttrs extends PoolAttrs, ImageAttrs {}

export const cnnOps: { [K in keyof CnnAttrs]: OpDef<CnnAttrs[K]> } = { ...poolOps, ...imageOps };
