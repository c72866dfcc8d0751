// The search and projector side of embed/ in one process (pipelines compile once): the
// projector (PCA, t-SNE, trustworthiness). GPU kNN is tested in embed.test.ts (embed/knn.ts).

import { useWebGPU } from "./helpers.ts";
import "./embed/projector.ts";
import "./embed/search.ts";

useWebGPU();
