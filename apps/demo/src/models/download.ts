// Downloading VGG16 in the browser with the models package's resumable downloader: Range
// requests resume a cut connection (and, with OPFS, a download stopped on an earlier visit),
// retries back off, and the size and SHA-256 are checked before the file counts as saved.

import {
  type DownloadResult,
  findWeights,
  type ProgressCallback,
  resumableDownload,
} from "@sheep/models";
import { paramNumber, params } from "../ui/dom.ts";
import { sha256Hasher } from "./sha256.ts";
import { weightStore } from "./store.ts";

export interface WeightsSource {
  name: string;
  url: string;
  /** The name of the stored file. */
  file: string;
  approxBytes: number;
  /** Only for the registry's own URL: another URL serves another file. */
  sha256?: string;
}

/** A short stable tag for a URL, so files from different URLs never resume into each other. */
function tag(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Where VGG16 comes from: the weights registry's Hugging Face URL, or `?vggUrl=` (a mirror, or
 * the tests' local server).
 */
export function vggSource(): WeightsSource {
  const entry = findWeights("vgg16")!;
  const custom = params.get("vggUrl");
  if (!custom || custom === entry.url) {
    return {
      name: "vgg16",
      url: entry.url!,
      file: entry.file,
      approxBytes: entry.approxBytes,
      sha256: entry.sha256,
    };
  }
  const url = new URL(custom, location.href).href;
  return {
    name: "vgg16",
    url,
    file: `vgg16-${tag(url)}.safetensors`,
    approxBytes: entry.approxBytes,
  };
}

/**
 * The exact size from a HEAD request (Hugging Face answers with a redirect to its CDN, which
 * fetch follows), or undefined when the server cannot be asked (offline, no CORS).
 */
export async function remoteSize(url: string): Promise<number | undefined> {
  try {
    const r = await fetch(url, { method: "HEAD" });
    if (!r.ok) return undefined;
    const linked = Number(r.headers.get("x-linked-size") ?? Number.NaN);
    const n = Number.isFinite(linked)
      ? linked
      : Number(r.headers.get("content-length") ?? Number.NaN);
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes of `source` already stored from an unfinished download. */
export async function partialBytes(source: WeightsSource): Promise<number> {
  const store = await weightStore();
  return store.part(source.file, source.url).size();
}

export interface FetchOptions {
  expectedSize?: number;
  onProgress: ProgressCallback;
  signal: AbortSignal;
}

/** Download (or resume) `source` into the store; resolves to the saved file. */
export async function fetchWeights(
  source: WeightsSource,
  o: FetchOptions,
): Promise<{ blob: Blob; result: DownloadResult }> {
  const store = await weightStore();
  // Ask the browser not to evict half a gigabyte when storage runs low (it may say no).
  await navigator.storage?.persist?.().catch(() => false);
  const result = await resumableDownload(
    source.url,
    store.part(source.file, source.url),
    sha256Hasher,
    {
      expectedSize: o.expectedSize,
      sha256: source.sha256,
      signal: o.signal,
      // Settings for flaky networks and for the tests: ?retries=0&retryDelayMs=200
      retries: paramNumber("retries", 3),
      retryDelayMs: paramNumber("retryDelayMs", 1000),
      onProgress: o.onProgress,
      // The downloader calls `options.fetch(…)` as a method; a browser's fetch refuses to run
      // with `this` other than window ("Illegal invocation"), so hand it a plain function.
      fetch: (input, init) => fetch(input, init),
    },
  );
  const saved = await store.saved(source.file);
  if (!saved) throw new Error(`the download of ${source.url} finished but could not be stored`);
  return { blob: saved.blob, result };
}

export async function savedWeights(source: WeightsSource) {
  return (await weightStore()).saved(source.file);
}

export async function removeWeights(source: WeightsSource): Promise<void> {
  await (await weightStore()).remove(source.file);
}
