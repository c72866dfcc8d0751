// The loss table of embed/README.md: the same net, steps and seed trained with each loss on
// Fashion-MNIST's classes 0–5, then Recall@k, MAP@R and NMI on the held-out classes 6–9 of the
// test split. One JSON line per loss on stdout (and OUT.jsonl when given), so a long run can be
// read as it goes.
//   node scripts/run-ts.mjs packages/algorithms/scripts/embed-table.ts STEPS [LOSSES] [OUT.jsonl] \
//     [TRAIN_LIMIT=20000] [EVAL_LIMIT=2000]
// LOSSES: comma list of softmax, cosface, arcface, contrastive, triplet-all, triplet-hard,
// triplet-semihard, triplet-soft (batch-hard, soft margin), random (no training); default the
// issue's four.

import { appendFileSync } from "node:fs";
import {
  EmbeddingNet,
  type EmbedLoss,
  type EmbedTrainConfig,
  evaluateEmbedding,
  loadEmbedData,
  type Mining,
  trainEmbedding,
} from "@sheep/algorithms/node";
import { init } from "@sheep/tensor";

const [steps, list = "softmax,contrastive,triplet-hard,triplet-semihard", out, tl, el] =
  process.argv.slice(2);
if (!steps) {
  console.error("usage: embed-table.ts STEPS [LOSSES] [OUT.jsonl] [TRAIN_LIMIT] [EVAL_LIMIT]");
  process.exit(2);
}

/** "triplet-semihard" → the trainer's loss, mining and soft-margin settings. */
function variant(name: string): Partial<EmbedTrainConfig> {
  if (name === "triplet-soft") return { loss: "triplet", mining: "hard", softMargin: true };
  const [loss, mining] = name.split("-") as [EmbedLoss, Mining | undefined];
  return mining ? { loss, mining } : { loss };
}

await init();
const data = await loadEmbedData("fashion-mnist", "6-9", { trainLimit: Number(tl ?? 20000) });
const evalLimit = Number(el ?? 2000);
for (const name of list.split(",")) {
  const config = { ...variant(name), steps: Number(steps), seed: 1, p: 6, k: 4, monitorEvery: 20 };
  // "random": the same net untrained (seed 1's initial weights), the floor every loss must beat.
  const r =
    name === "random"
      ? { net: new EmbeddingNet({}, { seed: 1 }), steps: 0, seconds: 0, records: [] }
      : await trainEmbedding(data.train, config);
  const m = await evaluateEmbedding(r.net, data.test, { limit: evalLimit });
  const row = {
    loss: name,
    steps: r.steps,
    batch: "6×4",
    seconds: Math.round(r.seconds),
    lastLoss: r.records.at(-1)?.loss ?? null,
    recall1: m.recall[1],
    recall8: m.recall[8],
    mapAtR: m.mapAtR,
    nmi: m.nmi,
    queries: m.n,
  };
  console.log(JSON.stringify(row));
  if (out) appendFileSync(out, `${JSON.stringify(row)}\n`);
  r.net.dispose();
}
