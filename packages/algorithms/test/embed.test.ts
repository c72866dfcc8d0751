// Every GPU test of embed/ in one process. On lavapipe, compiling WGSL pipelines is most of a
// test file's time, and these suites share most of their kernels (matmul, reductions, masks), so
// one file compiles them once. The suites live in test/embed/, one per source file.

import { useWebGPU } from "./helpers.ts";
import "./embed/distances.ts";
import "./embed/mining.ts";
import "./embed/losses.ts";
import "./embed/knn.ts";
import "./embed/train.ts";
import "./embed/kmeans.ts";

useWebGPU();
