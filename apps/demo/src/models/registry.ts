// The networks the app can dream with, and what is on the GPU of each. GoogLeNet (the default)
// and SqueezeNet come with the app (dist/models, the files committed in packages/models/weights),
// as does the face network (converted at build time); VGG16 comes from a local file or a
// download, held as a Blob and read lazily: only the layers a job's taps need are read and
// uploaded (fc1 alone is 392 MiB, needed only for class objectives).
// The user's own Caffe net ("caffe") comes from files they open (user-caffe.ts): converted in
// the browser, kept as safetensors bytes so a lost device can upload it again.

import {
  type DreamModel,
  faceDreamModel,
  googLeNetDreamModel,
  squeezeNetDreamModel,
  vggDreamModel,
} from "@sheep/algorithms";
import {
  CAFFE_NETS,
  detectVggArch,
  detectVggDialect,
  FACE_TAPS,
  type FaceNet,
  type ImageNetCaffeModel,
  inferVggConfig,
  loadFaceNet,
  loadShippedCaffeNet,
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
import { buildUserCaffe, disposeUserCaffe, type UserCaffe } from "./user-caffe.ts";

export type ModelId = "googlenet" | "squeezenet" | "face" | "vgg" | "caffe";

/** The shipped Caffe networks, served beside the app like the face network. */
type CaffeId = "googlenet" | "squeezenet";
const isCaffe = (id: ModelId): id is CaffeId => id === "googlenet" || id === "squeezenet";

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
  if (isCaffe(id)) return [...CAFFE_NETS[id].featureTaps];
  if (id === "caffe") return [];
  if (id === "face") return FACE_TAPS.filter((t) => t !== "avgpool" && t !== "embedding");
  return VGG_BLOCKS[arch].flatMap((convs, b) => [
    ...Array.from({ length: convs }, (_, i) => `block${b + 1}_conv${i + 1}`),
    `block${b + 1}_pool`,
  ]);
}

/** The layer a dream amplifies when nobody picked one. */
export const DEFAULT_DREAM_LAYER: Record<ModelId, string> = {
  googlenet: "inception_4c/output",
  squeezenet: "fire7/concat",
  face: "layer3.2",
  vgg: "block4_conv3",
  caffe: "", // the user's net's own, set when it is opened
};

/** The layer the feature-visualisation page opens on. */
export const DEFAULT_VIZ_LAYER: Record<ModelId, string> = {
  googlenet: "inception_4a/output",
  squeezenet: "fire5/concat",
  face: "layer2.3",
  vgg: "block4_conv1",
  caffe: "",
};

type Listener = () => void;

export class Models {
  private readonly caffe: Partial<Record<CaffeId, ImageNetCaffeModel>> = {};
  private readonly caffeLoading: Partial<Record<CaffeId, Promise<ImageNetCaffeModel>>> = {};
  private face: FaceNet | null = null;
  private faceLoading: Promise<FaceNet> | null = null;
  private faceBytes: Uint8Array | null = null;
  private vgg: Vgg | null = null;
  vggFile: VggFile | null = null;
  /** The user's own Caffe net: what it is, and (while the device lives) the net on the GPU. */
  userCaffe: UserCaffe | null = null;
  private userCaffeNet: Awaited<ReturnType<typeof buildUserCaffe>> | null = null;
  /** What people should read about each network's state. */
  status: Record<ModelId, string> = {
    googlenet: "not loaded yet",
    squeezenet: "not loaded yet",
    face: "not loaded yet",
    vgg: "not loaded: open a file or download it",
    caffe: "not loaded: open your .caffemodel and its deploy .prototxt",
  };
  private readonly listeners = new Set<Listener>();
  private readonly channelCache = new Map<string, number>();
  private readonly adapters = new WeakMap<object, DreamModel>();

  constructor(
    private readonly faceUrl = "models/face-recognition.safetensors",
    private readonly modelsDir = "models/",
  ) {}

  onChange(f: Listener): void {
    this.listeners.add(f);
  }

  private set(id: ModelId, status: string): void {
    this.status[id] = status;
    for (const f of this.listeners) f();
  }

  available(id: ModelId): boolean {
    if (id === "caffe") return this.userCaffe !== null;
    return id !== "vgg" || this.vggFile !== null;
  }

  /** GoogLeNet or SqueezeNet on the GPU, fetched from the app's server the first time. */
  async caffeNet(id: CaffeId): Promise<ImageNetCaffeModel> {
    const have = this.caffe[id];
    if (have) return have;
    this.caffeLoading[id] ??= (async () => {
      try {
        const url = this.modelsDir + CAFFE_NETS[id].file;
        const bytes = await fetchBytes(url, (got, total) => {
          this.set(id, `loading ${Math.round((100 * got) / total)} %`);
        });
        const m = await loadShippedCaffeNet(id, bytes);
        this.caffe[id] = m;
        this.set(id, "ready on the GPU");
        return m;
      } catch (e) {
        this.set(id, `failed to load: ${(e as Error).message}`);
        throw e;
      } finally {
        delete this.caffeLoading[id];
      }
    })();
    return this.caffeLoading[id]!;
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

  /** Take the user's Caffe net (built by openUserCaffe): the one the pages pick as "caffe". */
  setUserCaffe(info: UserCaffe, built: Awaited<ReturnType<typeof buildUserCaffe>>): void {
    if (this.userCaffeNet && this.userCaffe)
      disposeUserCaffe(this.userCaffeNet.loaded, this.userCaffe.tensors);
    this.userCaffe = info;
    this.userCaffeNet = built;
    DEFAULT_DREAM_LAYER.caffe = info.dreamLayer;
    DEFAULT_VIZ_LAYER.caffe = info.dreamLayer;
    this.set("caffe", `${info.name} from ${info.origin}: ready on the GPU`);
  }

  /** Feature-map taps of `id` (the user's Caffe net's own list for "caffe"). */
  featureTaps(id: ModelId): string[] {
    if (id === "caffe") return [...(this.userCaffe?.taps ?? [])];
    return featureTaps(id, this.vggFile?.arch);
  }

  /** The DreamModel for `id` whose forward can reach every one of `taps`. */
  async dreamModel(id: ModelId, taps: readonly string[]): Promise<DreamModel> {
    if (id === "caffe") {
      if (!this.userCaffe)
        throw new Error("your Caffe model is not loaded: open its files on the Models page");
      // After a lost device its weights are uploaded again from the converted bytes.
      if (!this.userCaffeNet) {
        this.userCaffeNet = await buildUserCaffe(this.userCaffe);
        this.set("caffe", `${this.userCaffe.name} from ${this.userCaffe.origin}: ready on the GPU`);
      }
      return this.userCaffeNet.model;
    }
    if (isCaffe(id)) {
      const m = await this.caffeNet(id);
      let model = this.adapters.get(m);
      if (!model) {
        model = id === "googlenet" ? googLeNetDreamModel(m) : squeezeNetDreamModel(m);
        this.adapters.set(m, model);
      }
      return model;
    }
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
    const from = id === "caffe" ? this.userCaffe?.origin : this.vggFile?.origin;
    const key = `${id}:${from ?? ""}:${tap}`;
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
    this.userCaffeNet = null;
    delete this.caffe.googlenet;
    delete this.caffe.squeezenet;
    this.status.googlenet = "re-uploading after a lost device";
    this.status.squeezenet = "re-uploading after a lost device";
    this.status.face = "re-uploading after a lost device";
    if (this.userCaffe) this.status.caffe = "re-uploading after a lost device";
    if (this.vggFile)
      this.status.vgg = `${this.vggFile.arch.toUpperCase()} from ${this.vggFile.origin}`;
    for (const f of this.listeners) f();
  }
}

function describeDepth(v: Vgg): string {
  return v.hasClassifier ? "all layers" : `layers up to ${v.steps[v.depth].post[0]}`;
}

/** GET a file with progress (the face network is 21 MiB, GoogLeNet 14: worth a progress line). */
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
