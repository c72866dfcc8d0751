// Convolutions: conv2d and conv_transpose2d with their gradients (shaders/conv2d*.wgsl).

import type { OpDef } from "./types.ts";

// biome-ignore lint/suspicious/noEmptyInterface: filled in as the conv ops land
export interface ConvAttrs {}

export const convOps: { [K in keyof ConvAttrs]: OpDef<ConvAttrs[K]> } = {};
