// The op table: every op of ops/attrs.ts with its shape rule, forward and VJPs, assembled from
// the families. Typed as a mapped type over the op list, so a missing entry is a compile error.

import { convOps } from "../conv/op.ts";
import type { OpAttrs, OpName } from "./attrs.ts";
import { cnnOps } from "./cnn.ts";
import { binaryOps, unaryOps, whereOp } from "./elementwise.ts";
import { indexOps } from "./indexing.ts";
import { matmulOp } from "./linalg.ts";
import { reduceOps } from "./reduce.ts";
import type { OpDef } from "./types.ts";
import { viewOps } from "./views.ts";

export type OpTable = { [K in OpName]: OpDef<OpAttrs[K]> };

export const table: OpTable = {
  ...unaryOps,
  ...binaryOps,
  where: whereOp,
  ...viewOps,
  ...reduceOps,
  matmul: matmulOp,
  ...indexOps,
  ...convOps,
  ...cnnOps,
};

/** Every op name, for coverage tests and the tour. */
export const OP_NAMES = Object.keys(table) as OpName[];
