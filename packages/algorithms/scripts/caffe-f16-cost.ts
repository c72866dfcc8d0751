// What F16 weights cost: GoogLeNet and SqueezeNet with the shipped F16 files vs F32 conversions
// (made with convert-caffe-raw.ts --f32 into /tmp), top-1/top-5 agreement and the largest logit
// difference over ../shared/images. Run from the repo root:
//   node scripts/run-ts.mjs packages/algorithms/scripts/caffe-f16-cost.ts
// (It lives here, not in @sheep/models, because it decodes the pictures with @sheep/io.)

import { readdirSync } from "node:fs";
import { imageToNCHW, readImageFile } from "@sheep/io";
import { loadGoogLeNetFile, loadSqueezeNetFile } from "@sheep/models/node";
import { flatten, init, release, resize2d, tensor, tidy } from "@sheep/tensor";

await init();
const images = readdirSync("../shared/images").filter((f) => /\.(png|jpg)$/.test(f));
for (const id of ["googlenet", "squeezenet"] as const) {
  const load = id === "googlenet" ? loadGoogLeNetFile : loadSqueezeNetFile;
  const f16 = await load();
  const f32 = await load(`/tmp/gn-${id}-f32.safetensors`);
  let top1 = 0,
    top5same = 0,
    maxDiff = 0,
    maxLogit = 0;
  for (const img of images) {
    const { data, shape } = imageToNCHW(await readImageFile(`../shared/images/${img}`));
    const s = f16.info.inputSize;
    const run = async (m: typeof f16) => {
      const l = tidy(() =>
        flatten(
          m.net
            .forward(m.preprocessing.normalize(resize2d(tensor(data, { shape }), [s, s])), [
              m.info.logitsTap,
            ])
            .get(m.info.logitsTap)!,
          1,
        ),
      );
      return (await l.data()) as Float32Array;
    };
    const a = await run(f16),
      b = await run(f32);
    const top = (p: ArrayLike<number>) =>
      Array.from(p)
        .map((v, i) => [v, i])
        .sort((x, y) => y[0] - x[0])
        .slice(0, 5)
        .map(([, i]) => i);
    const ta = top(a),
      tb = top(b);
    if (ta[0] === tb[0]) top1++;
    if (ta.join() === tb.join()) top5same++;
    for (let i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
      maxLogit = Math.max(maxLogit, Math.abs(b[i]));
    }
    console.log(
      id,
      img,
      "f16",
      ta.map((i) => f16.classes[i]).join("|"),
      " f32",
      tb.map((i) => f16.classes[i]).join("|"),
    );
  }
  console.log(
    `${id}: ${images.length} images, top-1 same ${top1}/${images.length}, top-5 (ordered) same ${top5same}/${images.length}, max |logit f16 − f32| ${maxDiff.toFixed(4)} (max |logit| ${maxLogit.toFixed(2)})`,
  );
}
release();
process.exit(0);
