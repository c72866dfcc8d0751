// Reading IDX files from disk in Node, gzipped (the usual distribution, `.gz`) or not.

import { readFile } from "node:fs/promises";
import { gunzip } from "node:zlib";
import { type IdxArray, IdxError, parseIdx } from "./idx.ts";

function gunzipAsync(bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    gunzip(bytes, (err, out) => (err ? reject(err) : resolve(out)));
  });
}

/** Read and parse an IDX file; gzip is detected by its magic bytes (1f 8b), not the name. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new IdxError("missing", `${path}: no such file`, { cause: e });
    throw e;
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = await gunzipAsync(raw);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      const truncated = /unexpected end/i.test(detail);
      throw new IdxError(
        truncated ? "truncated" : "corrupt",
        `${path}: ${truncated ? "the gzip stream is cut off" : "bad gzip data"} (${detail})`,
        { cause: e },
      );
    }
  }
  return parseIdx(raw, path);
}
