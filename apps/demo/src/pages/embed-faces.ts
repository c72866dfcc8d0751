// Faces on the Embeddings page: two photos (face-api's demo group photos, the astronaut, or the
// user's own) → every face found (boxes drawn), its aligned 150×150 chip, and the dlib
// descriptor distance between the chosen face of each, "same person" below 0.6. The detector
// and landmark weights are converted at build time and served from models/ like the face net.

import {
  DLIB_THRESHOLD,
  drawFaces,
  type Face,
  type FaceModels,
  faceDescriptors,
  faceDistance,
} from "@sheep/algorithms";
import { decodeImageInBrowser, type RgbaImage } from "@sheep/io/browser";
import { loadFaceLandmarkNet, loadTinyFaceDetector } from "@sheep/models";
import { drawRgba, resizeRgba } from "../image/canvas.ts";
import type { Models } from "../models/registry.ts";
import { describe as describeError } from "../ui/banner.ts";
import { checkedNumber, field, h, numberInput, paramNumber, select } from "../ui/dom.ts";

/** face-api's demo photos (MIT, copied from the npm package at build) and a shipped sample. */
const PHOTOS: [string, string][] = [
  ...[1, 2, 3, 4, 5, 6].map((n): [string, string] => [
    `faces/sample${n}.jpg`,
    `face-api sample ${n}`,
  ]),
  ["samples/astronaut.png", "Astronaut (NASA)"],
];
/** Photos are shrunk to this longest side first: the detector sees ≤ 416 px anyway. */
const MAX_SIDE = paramNumber("facemax", 640);

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: the server answered ${r.status} ${r.statusText}`);
  return r;
}

function shrink(img: RgbaImage): RgbaImage {
  const s = MAX_SIDE / Math.max(img.width, img.height);
  if (s >= 1) return img;
  return resizeRgba(img, Math.round(img.width * s), Math.round(img.height * s));
}

/** A 150×150 chip (RGB planes in [0, 1]) on a canvas. */
function chipCanvas(chip: Float32Array, label: string): HTMLCanvasElement {
  const c = h("canvas", { width: 150, height: 150, role: "img", "aria-label": label });
  c.style.width = c.style.height = "75px";
  const plane = 150 * 150;
  const data = new Uint8ClampedArray(4 * plane);
  for (let i = 0; i < plane; i++) {
    for (let k = 0; k < 3; k++) data[4 * i + k] = Math.round(chip[k * plane + i] * 255);
    data[4 * i + 3] = 255;
  }
  drawRgba(c, { width: 150, height: 150, data });
  return c;
}

/** One photo: its picker, file input, canvas, and the faces found in it. */
class Slot {
  readonly pick: HTMLSelectElement;
  readonly file = h("input", { type: "file", accept: "image/png,image/jpeg" });
  readonly face = numberInput(1, 1, 50);
  readonly canvas = h("canvas", {
    width: 1,
    height: 1,
    class: "result",
    role: "img",
    dataset: { filled: "" },
  });
  readonly chips = h("div", { class: "row" });
  readonly el: HTMLElement;
  image: Promise<RgbaImage>;
  /** What the photo is (sample path or file name): two slots with one photo detect once. */
  source: string;
  found: { faces: Face[]; descriptors: Float32Array[] } | null = null;

  constructor(
    readonly name: string,
    first: string,
    private readonly onStage: (what: string) => void,
  ) {
    this.pick = select(PHOTOS, first);
    this.canvas.id = `embed-face-${name.toLowerCase()}-canvas`;
    this.canvas.setAttribute("aria-label", `photo ${name} with the faces found`);
    this.canvas.style.maxWidth = "360px";
    this.source = first;
    this.image = this.load(fetchOk(first).then((r) => r.blob()));
    this.pick.addEventListener("change", () => {
      this.source = this.pick.value;
      this.image = this.load(fetchOk(this.pick.value).then((r) => r.blob()));
    });
    this.file.addEventListener("change", () => {
      const f = this.file.files?.[0];
      if (!f) return;
      this.source = `file:${f.name}:${f.size}:${f.lastModified}`;
      this.image = this.load(Promise.resolve(f));
    });
    this.el = h(
      "div",
      { class: "output", id: `embed-face-${name.toLowerCase()}` },
      h("h3", null, `Photo ${name}`),
      h(
        "div",
        { class: "row" },
        field("sample", this.pick),
        field("or your photo", this.file),
        field("face #", this.face),
      ),
      this.canvas,
      this.chips,
    );
  }

  private async load(blob: Promise<Blob>): Promise<RgbaImage> {
    const img = shrink(await decodeImageInBrowser(await blob));
    this.found = null;
    this.chips.replaceChildren();
    this.canvas.width = img.width;
    this.canvas.height = img.height;
    drawRgba(this.canvas, img);
    return img;
  }

  async detect(models: FaceModels, inputSize: number, same: Slot | null): Promise<void> {
    const img = await this.image;
    this.found =
      same?.found && same.source === this.source
        ? same.found
        : await faceDescriptors(models, img, {
            inputSize,
            onProgress: (p) => this.onStage(`${p.stage} ${p.done}/${p.total}`),
          });
    drawRgba(this.canvas, drawFaces(img, this.found.faces));
    this.chips.replaceChildren(
      ...this.found.faces.map((f, i) =>
        h(
          "figure",
          { class: "face-chip" },
          chipCanvas(f.chip, `photo ${this.name}, face ${i + 1}, aligned`),
          h("figcaption", null, `${i + 1} · score ${f.box.score.toFixed(2)}`),
        ),
      ),
    );
  }
}

export function facesSection(models: Models): HTMLElement {
  const inputSize = select(
    [
      ["224", "224 (fast)"],
      ["320", "320"],
      ["416", "416 (face-api's default)"],
      ["608", "608 (small faces)"],
    ],
    String(paramNumber("facesize", 416)),
  );
  const status = h("div", { id: "embed-face-status", class: "progress", role: "status" }, "ready");
  const stage = (name: string) => (what: string) => {
    status.textContent = `photo ${name}: ${what}`;
  };
  const a = new Slot("A", PHOTOS[0][0], stage("A"));
  const b = new Slot("B", PHOTOS[0][0], stage("B"));
  b.face.value = "2";
  const run = h("button", { id: "embed-face-run", class: "primary" }, "Find and compare faces");
  const verdict = h("p", { id: "embed-face-verdict", "aria-live": "polite" });
  let nets: Promise<FaceModels> | null = null;
  let busy = false;

  const load = () =>
    (nets ??= (async () => {
      const [det, lm] = await Promise.all(
        ["models/face-detector-tiny.safetensors", "models/face-landmarks-68.safetensors"].map(
          async (u) => new Uint8Array(await (await fetchOk(u)).arrayBuffer()),
        ),
      );
      return {
        detector: await loadTinyFaceDetector(det),
        landmarks: await loadFaceLandmarkNet(lm),
        recognizer: await models.faceNet(),
      };
    })().catch((e) => {
      nets = null;
      throw e;
    }));

  run.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    status.className = "progress";
    verdict.textContent = "";
    const t0 = performance.now();
    try {
      status.textContent = "loading the detector, landmark and recognition nets…";
      const m = await load();
      const size = Number(inputSize.value);
      status.textContent = "finding faces in photo A…";
      await a.detect(m, size, null);
      status.textContent = "finding faces in photo B…";
      await b.detect(m, size, a);
      const pickFace = (s: Slot) => {
        const n = s.found!.faces.length;
        const i = checkedNumber(s.face, `face # of photo ${s.name}`);
        if (n === 0)
          throw new Error(
            `no face found in photo ${s.name} at input size ${size}: try 608, or a frontal face`,
          );
        if (!(Number.isInteger(i) && i >= 1 && i <= n))
          throw new Error(`face # of photo ${s.name} must be from 1 to ${n}, got ${i}`);
        return s.found!.descriptors[i - 1];
      };
      const d = faceDistance(pickFace(a), pickFace(b));
      const same = d < DLIB_THRESHOLD;
      verdict.textContent =
        `Distance ${d.toFixed(3)}: ${same ? "same person" : "not the same person"} ` +
        `(threshold ${DLIB_THRESHOLD}).`;
      verdict.dataset.distance = String(d);
      status.className = "progress finished";
      status.textContent =
        `A: ${a.found!.faces.length} faces, B: ${b.found!.faces.length} faces · A${a.face.value}` +
        ` vs B${b.face.value}: ${d.toFixed(3)} · ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    } catch (e) {
      status.className = "progress failed";
      status.textContent = describeError(e);
    } finally {
      busy = false;
    }
  });

  return h(
    "section",
    { class: "controls", id: "embed-face-section" },
    h("h2", null, "Faces: one embedding per face"),
    h(
      "p",
      null,
      "The same idea at scale: dlib's ResNet maps an aligned face to 128 numbers, and faces of " +
        "one person lie within 0.6 of each other. Each photo's faces are found (Tiny Face " +
        "Detector), given 68 landmarks, aligned to a 150×150 chip and described. On a CPU " +
        "adapter one photo takes tens of seconds. Sample photos: face-api's demo pictures " +
        "(@vladmandic/face-api, MIT licence), NASA's astronaut (public domain).",
    ),
    h("div", { class: "row" }, field("detector input size", inputSize), run),
    status,
    verdict,
    h("div", { class: "row" }, a.el, b.el),
  );
}
