// The networks the app can dream with, and what is on the GPU of each. The face network comes
// with the app (dist/models, converted at build time); VGG16 comes from a local file or a
// download, held as a Blob and read lazily: only the layers a job's taps need are read and
// uploaded (fc1 alone is 392 MiB, needed only for class objectives).

import { type DreamModel, faceDreamModel, vggDreamModel } from "@sheep/algorithms";
import {
  detectVggArch,
  detectVggDialect,
  FACE_TAPS,
  type FaceNet,
  inferVggConfig,
  loadFaceNet,
  loadVgg,
  normalizeKerasKey,
  SafetensorsReader,
  VGG_BLOCKS,
  type Vgg,
  type VggArch,
  type VggDialect,
  vggParams,
} from "@sheep/models";
import { full, noGrad, tidy } from "@sheep/tensor";

export type ModelId = "face" | "vgg";

export interface VggFile {
  blob: Blob;
  /** Where it came from, for people: a file name or "downloaded from …". */
  origin: string;
  arch: VggArch;
  dialect: VggDialect;
  hasClassifier: boolean;
}

/** Taps that are feature maps (what layer and channel objectives can use), in forward order. */
export function featureTaps(id: ModelId, arch: VggArch = "vgg16"): string[] {
  if (id === "face") return FACE_TAPS.filter((t) => t !== "avgpool" && t !== "embedding");
  return VGG_BLOCKS[arch].flatMap((convs, b) => [
    ...Array.from({ length: convs }, (_, i) => `block${b + 1}_conv${i + 1}`),
    `block${b + 1}_pool`,
  ]);
}

type Listener = () => void;

export class Models {
  private face: FaceNet | null = null;
  private faceLoading: Promise<FaceNet> | null = null;
  private faceBytes: Uint8Array | null = null;
  private vgg: Vgg | null = null;
  vggFile: VggFile | null = null;
  /** What people should read about each network's state. */
  status: Record<ModelId, string> = {
    face: "not loaded yet",
    vgg: "not loaded: open a file or download it",
  };
  private readonly listeners = new Set<Listener>();
  private readonly channelCache = new Map<string, number>();
  private readonly adapters = new WeakMap<FaceNet | Vgg, DreamModel>();

  constructor(private readonly faceUrl = "models/face-recognition.safetensors") {}

  onChange(f: Listener): void {
    this.listeners.add(f);
  }

  private set(id: ModelId, status: string): void {
    this.status[id] = status;
    for (const f of this.listeners) f();
  }

  available(id: ModelId): boolean {
    return id === "face" || this.vggFile !== null;
  }

  /** The face network on the GPU, fetched from the app's server the first time. */
  async faceNet(onBytes?: (got: number, total: number) => void): Promise<FaceNet> {
    if (this.face) return this.face;
    this.faceLoading ??= (async () => {
      try {
        this.faceBytes ??= await fetchBytes(this.faceUrl, (got, total) => {
          this.set("face", `loading ${Math.round((100 * got) / total)} %`);
          onBytes?.(got, total);
        });
        this.face = await loadFaceNet(this.faceBytes);
        this.set("face", "ready on the GPU");
        return this.face;
      } catch (e) {
        this.set("face", `failed to load: ${(e as Error).message}`);
        throw e;
      } finally {
        this.faceLoading = null;
      }
    })();
    return this.faceLoading;
  }

  /** Take a VGG file: its header (names, shapes) is read now, tensors when a job needs them. */
  async setVggFile(blob: Blob, origin: string): Promise<VggFile> {
    const reader = await SafetensorsReader.open(blob);
    const dialect = detectVggDialect(reader.names);
    const names = dialect === "keras" ? reader.names.map(normalizeKerasKey) : reader.names;
    const shapes = new Map(names.map((k, i) => [k, reader.entry(reader.names[i]).shape]));
    const arch = detectVggArch(names, dialect);
    const params = vggParams(inferVggConfig(arch, dialect, shapes), dialect);
    const hasClassifier = params.some((p) => p.classifier && shapes.has(p.key));
    this.vgg?.dispose();
    this.vgg = null;
    this.vggFile = { blob, origin, arch, dialect, hasClassifier };
    this.set(
      "vgg",
      `${arch.toUpperCase()} from ${origin}: layers are uploaded when a job needs them`,
    );
    return this.vggFile;
  }

  /** VGG with (at least) the layers up to the deepest of `taps` on the GPU. */
  async vggNet(taps: readonly string[]): Promise<Vgg> {
    const file = this.vggFile;
    if (!file)
      throw new Error(
        "VGG16 is not loaded: open a .safetensors file or download it on the Models page",
      );
    const covers = (v: Vgg) =>
      taps.every((t) => v.tapNames.includes(t) && v.resolveTap(t).step <= v.depth);
    if (this.vgg && covers(this.vgg)) return this.vgg;
    this.vgg?.dispose();
    this.vgg = null;
    // All feature layers at least, so that changing layers does not mean reading the file again.
    const wanted = [...taps, `block${VGG_BLOCKS[file.arch].length}_pool`];
    this.set(
      "vgg",
      `uploading ${file.arch.toUpperCase()} layers up to ` +
        `${taps.includes("logits") ? "the classifier" : "block5_pool"}…`,
    );
    this.vgg = await loadVgg(file.blob, { taps: wanted });
    this.set(
      "vgg",
      `${file.arch.toUpperCase()} from ${file.origin}: ${describeDepth(this.vgg)} on the GPU`,
    );
    return this.vgg;
  }

  /** The DreamModel for `id` whose forward can reach every one of `taps`. */
  async dreamModel(id: ModelId, taps: readonly string[]): Promise<DreamModel> {
    const net = id === "face" ? await this.faceNet() : await this.vggNet(taps);
    // One DreamModel per network: the pipelines cache what they measure about a model (its
    // taps' strides, its memory per pixel) by the model object, so reusing it saves a forward
    // pass at every job.
    let model = this.adapters.get(net);
    if (!model) {
      model = id === "face" ? faceDreamModel(net as FaceNet) : vggDreamModel(net as Vgg);
      this.adapters.set(net, model);
    }
    return model;
  }

  /** Channels of a feature tap, from one tiny forward pass (cached). */
  async channels(id: ModelId, tap: string): Promise<number> {
    const key = `${id}:${this.vggFile?.origin ?? ""}:${tap}`;
    const known = this.channelCache.get(key);
    if (known) return known;
    const model = await this.dreamModel(id, [tap]);
    const side = Math.max(model.minSize?.([tap]) ?? 32, 8);
    const c = noGrad(() =>
      tidy(() => model.forward(full([1, 3, side, side], 0), [tap]).get(tap)!.shape[1]),
    );
    this.channelCache.set(key, c);
    return c;
  }

  /** The device is gone: its tensors are unusable. Forget them (the next job uploads again). */
  dropGpu(): void {
    // Their handles still count as live tensors: dispose them (the memory went with the device).
    for (const net of [this.face, this.vgg]) {
      try {
        net?.dispose();
      } catch (e) {
        console.warn("disposing a network of the lost device:", e);
      }
    }
    this.face = null;
    this.vgg = null;
    this.status.face = "re-uploading after a lost device";
    if (this.vggFile)
      this.status.vgg = `${this.vggFile.arch.toUpperCase()} from ${this.vggFile.origin}`;
    for (const f of this.listeners) f();
  }
}

function describeDepth(v: Vgg): string {
  return v.hasClassifier ? "all layers" : `layers up to ${v.steps[v.depth].post[0]}`;
}

/** GET a file with progress (the face network is 21 MiB: worth a progress line). */
async function fetchBytes(
  url: string,
  onBytes: (got: number, total: number) => void,
): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  const total = Number(r.headers.get("content-length") ?? 0);
  if (!r.body || !total) return new Uint8Array(await r.arrayBuffer());
  const out = new Uint8Array(total);
  const reader = r.body.getReader();
  let got = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, got);
    got += value.length;
    onBytes(got, total);
  }
  if (got !== total) throw new Error(`${url}: got ${got} of ${total} bytes`);
  return out;
}
