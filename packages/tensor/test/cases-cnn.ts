// Test cases of the pooling, Gram, normalisation and image ops (joined into cases.ts).

import type { CnnAttrs } from "../src/ops/cnn.ts";
import type { Case } from "./cases.ts";

export const cnnCases: { [K in keyof CnnAttrs]: Case[] } = {};
