// Named weights on disk (Node): where each lives, fetching it into the cache, and checking a
// file against its recorded SHA-256. Behind `sheep weights list|pull|verify`.

import { stat } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { convertFaceApiWeights } from "../face/weights-node.ts";
import { cacheDir } from "./cache-dir.ts";
import { DownloadError } from "./errors.ts";
import { download, type NodeDownloadResult, sha1File, sha256File } from "./node-download.ts";
import { findWeights, listWeights, type WeightsEntry } from "./registry.ts";
import type { ResumableOptions } from "./resumable.ts";

export interface WeightsLocation {
  /** The cache directory (default: cacheDir()). */
  cacheDir?: string;
  /** What `localPath` entries are relative to (default: the working directory). */
  repoRoot?: string;
}

export function weightsEntry(name: string): WeightsEntry {
  const entry = findWeights(name);
  if (!entry) {
    const known = listWeights().map((e) => e.name);
    throw new DownloadError(
      "UNKNOWN_WEIGHTS",
      `unknown weights "${name}" (known: ${known.join(", ")})`,
    );
  }
  return entry;
}

/** Where the named weights are (or will be, once pulled). */
export function weightsPath(name: string, where: WeightsLocation = {}): string {
  const entry = weightsEntry(name);
  if (entry.url === null && entry.localPath) {
    const root = where.repoRoot ?? process.cwd();
    return isAbsolute(entry.localPath) ? entry.localPath : resolve(root, entry.localPath);
  }
  return join(where.cacheDir ?? cacheDir(), "weights", entry.file);
}

export interface PullOptions extends ResumableOptions, WeightsLocation {
  /** Download again even if the file is already there. */
  force?: boolean;
  /** Fetch from here instead of the registry URL (a mirror, or a test server). */
  url?: string;
  /**
   * Fetch every file of the entry (the weights and their companions) from `${mirror}/${file}`
   * instead of the publishers' URLs.
   */
  mirror?: string;
}

export interface PullResult {
  path: string;
  /** False when the file was already in the cache. */
  downloaded: boolean;
  download?: NodeDownloadResult;
  /** Where the entry's companion files are (a Caffe model's deploy prototxt). */
  companions?: string[];
}

/** Makes sure the named weights are on disk, downloading (or resuming) them if needed. */
export async function pullWeights(name: string, options: PullOptions = {}): Promise<PullResult> {
  return pullEntry(weightsEntry(name), options);
}

/**
 * pullWeights for an entry that need not be in the registry. Companion files come after the
 * main file, each with its own checksum, into the same folder.
 */
export async function pullEntry(
  entry: WeightsEntry,
  options: PullOptions = {},
): Promise<PullResult> {
  const result = await pullMain(entry, options);
  if (!entry.companions?.length) return result;
  result.companions = [];
  for (const c of entry.companions) {
    const path = join(dirname(result.path), c.file);
    result.companions.push(path);
    if (!options.force && (await exists(path))) continue;
    const url = options.mirror ? `${options.mirror}/${c.file}` : c.url;
    const checks = { sha1: undefined, sha256: c.sha256, expectedSize: undefined };
    await download(url, { ...options, ...checks, dest: path });
    result.downloaded = true;
  }
  return result;
}

async function pullMain(entry: WeightsEntry, options: PullOptions): Promise<PullResult> {
  const name = entry.name;
  const path =
    entry.url === null && entry.localPath
      ? weightsPath(name, options)
      : join(options.cacheDir ?? cacheDir(), "weights", entry.file);
  if (!options.force && (await exists(path))) return { path, downloaded: false };
  const mirrored = entry.url !== null && options.mirror ? `${options.mirror}/${entry.file}` : null;
  const url = options.url ?? mirrored ?? entry.url;
  if (url === null && entry.convertedFrom === "@vladmandic/face-api") {
    // Made locally from an npm package by our own converter: no network involved.
    await convertFaceApiWeights(path);
    return { path, downloaded: false };
  }
  if (url === null) {
    throw new DownloadError(
      "NO_URL",
      `"${name}" weights have no download URL; expected at ${path}`,
    );
  }
  const checks = { sha256: entry.sha256, sha1: entry.sha1 };
  const result = await download(url, { ...checks, ...options, dest: path });
  return { path, downloaded: true, download: result };
}

export interface VerifyResult {
  path: string;
  bytes: number;
  sha256: string;
  /** The recorded digest, when there is one. */
  expected?: string;
  /** The file's SHA-1 and the published one, for entries that record a SHA-1 (Caffe's). */
  sha1?: string;
  expectedSha1?: string;
  /** True or false against `expected` (and `expectedSha1`); undefined when nothing is recorded. */
  ok?: boolean;
}

/**
 * Recomputes a file's SHA-256 and compares it with the registry's (for a name) or with
 * `expected` (for a path); also its SHA-1 where the registry has one.
 */
export async function verifyWeights(
  nameOrPath: string,
  options: WeightsLocation & { expected?: string } = {},
): Promise<VerifyResult> {
  const entry = findWeights(nameOrPath);
  const path = entry ? weightsPath(nameOrPath, options) : nameOrPath;
  const expected = (options.expected ?? entry?.sha256)?.toLowerCase();
  let bytes: number;
  try {
    bytes = (await stat(path)).size;
  } catch {
    const hint = entry?.url ? `; run \`sheep weights pull ${entry.name}\`` : "";
    throw new DownloadError("MISSING_FILE", `no weights file at ${path}${hint}`);
  }
  const sha256 = await sha256File(path);
  const result: VerifyResult = { path, bytes, sha256 };
  if (expected !== undefined) {
    result.expected = expected;
    result.ok = sha256 === expected;
  }
  if (entry?.sha1 !== undefined && options.expected === undefined) {
    result.sha1 = await sha1File(path);
    result.expectedSha1 = entry.sha1.toLowerCase();
    result.ok = (result.ok ?? true) && result.sha1 === result.expectedSha1;
  }
  return result;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
