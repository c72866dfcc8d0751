// Test cases of the convolution ops (joined into cases.ts).

import type { ConvAttrs } from "../src/ops/conv.ts";
import type { Case } from "./cases.ts";

export const convCases: { [K in keyof ConvAttrs]: Case[] } = {};
