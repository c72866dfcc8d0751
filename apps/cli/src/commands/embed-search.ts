// `sheep embed index|search|project`: picture search and the embedding projector as thin shells
// over @sheep/algorithms — GoogLeNet's pooled features of a folder of pictures into one index
// file, "more like this" for a query picture, and PCA or t-SNE views of an index.

import { dirname, extname } from "node:path";
import {
  buildIndex,
  folderPictures,
  googLeNetFeatures,
  type PictureIndex,
  projectEmbeddings,
  queryFeatures,
  readIndexFile,
  searchIndex,
  writeIndexFile,
} from "@sheep/algorithms/node";
import { readImageFile, writeFileAtomic, writeImageFile } from "@sheep/io";
import { loadGoogLeNetFile } from "@sheep/models/node";
import { init, tensor } from "@sheep/tensor";
import { type Command, num, oneOf, UsageError, writable } from "../args.ts";
import { ProgressBar, phase } from "../progress.ts";
import { contactSheet, scatterImage, scatterSvg, thumbOf } from "./embed-sheet.ts";

export const EMBED_SEARCH_SUBCOMMANDS = ["index", "search", "project"] as const;
export type EmbedSearchSub = (typeof EMBED_SEARCH_SUBCOMMANDS)[number];

export const EMBED_SEARCH_OPTIONS: Command["options"] = {
  dir: { type: "string" },
  index: { type: "string" },
  query: { type: "string" },
  out: { type: "string" },
  k: { type: "string" },
  size: { type: "string" },
  batch: { type: "string" },
  thumb: { type: "string" },
  method: { type: "string" },
  dims: { type: "string" },
  perplexity: { type: "string" },
  iterations: { type: "string" },
  seed: { type: "string" },
  json: { type: "boolean" },
};

export const EMBED_SEARCH_USAGE = `sheep embed index --dir DIR --out INDEX [--size 224] [--batch 8] [--thumb 64]
sheep embed search (--index INDEX | --dir DIR) --query IMAGE [--k 8] [--out grid.png] [--json]
sheep embed project --index INDEX [--method pca|tsne] [--dims 2|3] --out FILE

  index     GoogLeNet's 1024-D pooled features (shipped weights) of every .png/.jpg under DIR,
            with file names and thumbnails, into one safetensors file INDEX
  search    the k pictures most like IMAGE, with distances (between unit feature vectors, 0 to
            2); --dir indexes DIR on the fly; --out writes a contact sheet PNG
  project   PCA (default) or t-SNE of an index: FILE.json (coordinates, files, labels = each
            file's sub-folder) and, in 2-D, FILE.png and FILE.svg (scatter with thumbnails)

  --size N         side pictures are resized to before GoogLeNet (default 224)
  --batch N        pictures per forward pass (default 8)
  --thumb N        thumbnail side stored in the index, 0 for none (default 64)
  --k N            how many pictures to list (default 8)
  --perplexity X   t-SNE perplexity (default 30, lowered for small sets to (n − 1) / 3)
  --iterations N   t-SNE iterations (default 1000)
  --seed N         t-SNE's random start (default 0)
  --json           search: the ranked list as JSON on stdout`;

type Values = Record<string, unknown>;

let loaded: ReturnType<typeof loadGoogLeNetFile> | null = null;

/** GoogLeNet's feature extractor, loaded once per process (search --dir needs it twice). */
async function googlenet(size: number) {
  if (!loaded) phase("loading GoogLeNet");
  loaded ??= loadGoogLeNetFile();
  const model = await loaded;
  return { extract: googLeNetFeatures(model), name: `googlenet inception_5b mean @${size}` };
}

/** Index the pictures of dir with a progress bar. */
async function indexDir(dir: string, v: Values): Promise<PictureIndex> {
  let pictures: ReturnType<typeof folderPictures>;
  try {
    pictures = folderPictures(dir);
  } catch (e) {
    throw new UsageError(`--dir ${(e as Error).message}`);
  }
  const size = num(v.size, "size", { int: true, min: 32, max: 1024 }) ?? 224;
  const batch = num(v.batch, "batch", { int: true, min: 1, max: 256 }) ?? 8;
  const thumbSize = num(v.thumb, "thumb", { int: true, min: 0, max: 256 }) ?? 64;
  await init();
  const { extract, name } = await googlenet(size);
  const bar = new ProgressBar("index", pictures.length);
  const index = await buildIndex(
    pictures,
    extract,
    { size, batch, thumbSize, extractorName: name },
    (p) => bar.update(p.done, p.file),
  );
  bar.finish();
  return index;
}

async function runIndex(v: Values): Promise<number> {
  const dir = v.dir as string | undefined;
  const out = v.out as string | undefined;
  if (!dir) throw new UsageError("sheep embed index needs --dir DIR");
  if (!out) throw new UsageError("sheep embed index needs --out INDEX");
  writable(out);
  const index = await indexDir(dir, v);
  await writeIndexFile(out, index);
  console.log(
    `${out}: ${index.files.length} pictures × ${index.dim} features (${index.extractor})`,
  );
  return 0;
}

async function openIndex(v: Values): Promise<PictureIndex> {
  const path = v.index as string;
  try {
    return await readIndexFile(path);
  } catch (e) {
    throw new UsageError(`--index ${(e as Error).message}`);
  }
}

async function runSearch(v: Values): Promise<number> {
  const query = v.query as string | undefined;
  if (!query) throw new UsageError("sheep embed search needs --query IMAGE");
  if (!v.index === !v.dir)
    throw new UsageError("sheep embed search needs --index INDEX or --dir DIR (one of them)");
  const k = num(v.k, "k", { int: true, min: 1, max: 10000 }) ?? 8;
  const out = v.out as string | undefined;
  if (out && extname(out).toLowerCase() !== ".png")
    throw new UsageError(`--out must end in .png, got "${out}"`);
  if (out) writable(out);
  const image = await readImageFile(query);
  const index = v.dir ? await indexDir(v.dir as string, v) : await openIndex(v);
  const m = /@(\d+)$/.exec(index.extractor);
  if (!index.extractor.startsWith("googlenet") || !m)
    throw new UsageError(
      `--index: its features are "${index.extractor}", not GoogLeNet's: cannot search it from an image`,
    );
  const size = Number(m[1]);
  await init();
  const { extract } = await googlenet(size);
  const q = await queryFeatures([image], extract, size);
  const [hits] = await searchIndex(index, q, k);
  q.dispose();
  if (v.json) console.log(JSON.stringify({ query, hits }, null, 2));
  else {
    console.log(`pictures most like ${query} (${index.files.length} indexed):`);
    for (const h of hits)
      console.log(`${String(h.rank).padStart(3)}. ${h.distance.toFixed(4)}  ${h.file}`);
  }
  if (out) {
    const t = 64;
    const qThumb = queryThumb(image, t);
    const cells = [
      { rgb: qThumb, t, caption: "query" },
      ...hits.map((h) => ({
        rgb: thumbOf(index, h.index),
        t: index.thumbSize,
        caption: `${h.rank}. ${h.distance.toFixed(3)}`,
      })),
    ];
    await writeImageFile(out, contactSheet(cells));
    console.log(`contact sheet: ${out}`);
  }
  return 0;
}

/** A t × t RGB thumbnail of an image by box sampling on the host. */
function queryThumb(img: { width: number; height: number; data: Uint8ClampedArray }, t: number) {
  const rgb = new Uint8Array(t * t * 3);
  for (let y = 0; y < t; y++) {
    for (let x = 0; x < t; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / t));
      const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / t));
      for (let c = 0; c < 3; c++)
        rgb[(y * t + x) * 3 + c] = img.data[(sy * img.width + sx) * 4 + c];
    }
  }
  return rgb;
}

async function runProject(v: Values): Promise<number> {
  if (!v.index) throw new UsageError("sheep embed project needs --index INDEX");
  const outArg = v.out as string | undefined;
  if (!outArg) throw new UsageError("sheep embed project needs --out FILE");
  const method = oneOf(v.method, "method", ["pca", "tsne"] as const) ?? "pca";
  const dims = (num(v.dims, "dims", { int: true, min: 2, max: 3 }) ?? 2) as 2 | 3;
  const base = outArg.replace(/\.(json|png|svg)$/i, "");
  writable(`${base}.json`);
  const iterations = num(v.iterations, "iterations", { int: true, min: 1, max: 100000 });
  const seed = num(v.seed, "seed", { int: true, min: 0, max: 2 ** 31 - 1 });
  const perplexityFlag = num(v.perplexity, "perplexity", { min: 1, max: 1000 });
  const index = await openIndex(v);
  const n = index.files.length;
  if (method === "tsne" && n < 4)
    throw new UsageError(`t-SNE needs at least 4 pictures, the index has ${n}`);
  const perplexity =
    perplexityFlag ?? Math.min(30, Math.max(1, Math.floor(((n - 1) / 3) * 0.99 * 100) / 100));
  if (method === "tsne" && !(3 * perplexity < n))
    throw new UsageError(
      `--perplexity must be below (n − 1) / 3 = ${((n - 1) / 3).toFixed(2)} for ${n} pictures, got ${perplexity}`,
    );
  await init();
  const x = tensor(index.features, { shape: [n, index.dim] });
  const bar = method === "tsne" ? new ProgressBar("t-SNE", iterations ?? 1000) : null;
  const r = await projectEmbeddings(
    x,
    { method, dims, tsne: { perplexity, iterations, seed } },
    (p) => bar?.update(p.iteration, `KL ${p.kl.toFixed(3)}`),
  );
  bar?.finish();
  x.dispose();
  const labels = index.files.map((f) => (dirname(f) === "." ? "" : dirname(f)));
  const points = index.files.map((file, i) => ({
    file,
    label: labels[i],
    coords: Array.from(r.coords.subarray(i * dims, (i + 1) * dims)),
  }));
  const json = { method, dims, note: r.note, extractor: index.extractor, points };
  await writeFileAtomic(
    `${base}.json`,
    new TextEncoder().encode(`${JSON.stringify(json, null, 1)}\n`),
  );
  const written = [`${base}.json`];
  if (dims === 2) {
    await writeImageFile(`${base}.png`, scatterImage(index, r.coords));
    const svg = scatterSvg(index, r.coords, labels, `${r.note} — ${n} pictures`);
    await writeFileAtomic(`${base}.svg`, new TextEncoder().encode(svg));
    written.push(`${base}.png`, `${base}.svg`);
  }
  console.log(`${r.note}\nwrote ${written.join(", ")}`);
  return 0;
}

/** Run one of the search subcommands with parsed flags. */
export async function runEmbedSearch(
  sub: EmbedSearchSub,
  values: Values,
  positionals: string[],
): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (sub === "index") return runIndex(values);
  if (sub === "search") return runSearch(values);
  if (sub === "project") return runProject(values);
  throw new UsageError(`unknown embed subcommand "${sub}"`);
}
