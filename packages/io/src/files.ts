// Reading and writing image files in Node. Writes are atomic: the bytes go to a temporary file in
// the same directory, are flushed to disk, and only then renamed over the target, so a crash or a
// failed encode never leaves a half-written image where a good one used to be.

import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { encodeApng } from "./apng.ts";
import { decodeImage } from "./decode.ts";
import { type EncodeOptions, encodeImage } from "./encode.ts";
import { ImageError } from "./errors.ts";
import { encodeGif, type GifOptions } from "./gif.ts";
import type { DecodeOptions } from "./header.ts";
import type { ImageFormat, RgbaImage } from "./image.ts";

const STILL_FORMATS: Record<string, ImageFormat> = {
  ".png": "png",
  ".jpg": "jpeg",
  ".jpeg": "jpeg",
};
const ANIMATION_FORMATS: Record<string, "gif" | "apng"> = {
  ".gif": "gif",
  ".png": "apng",
  ".apng": "apng",
};

/** Picks the still-image format from a path's extension, or throws ImageError `unsupported`. */
export function formatFromPath(path: string): ImageFormat {
  const ext = extname(path).toLowerCase();
  const format = STILL_FORMATS[ext];
  if (format) return format;
  throw new ImageError(
    "unsupported",
    `cannot choose an image format for "${path}" from its extension "${ext}": use .png, .jpg ` +
      `or .jpeg (for animations, writeAnimationFile with .gif or .png)`,
  );
}

/** Reads and decodes a PNG or JPEG file; ImageError messages are prefixed with the path. */
export async function readImageFile(path: string, opts: DecodeOptions = {}): Promise<RgbaImage> {
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    // Node's own text ("ENOENT: no such file or directory, open …") is for programmers; keep
    // its code for callers, say the rest in words.
    const words = { ENOENT: "no such file", EISDIR: "a folder, not an image file" } as const;
    const said = words[err.code as keyof typeof words];
    throw said ? Object.assign(new Error(`${path}: ${said}`), { code: err.code }) : err;
  });
  try {
    return decodeImage(bytes, opts);
  } catch (err) {
    if (!(err instanceof ImageError)) throw err;
    throw new ImageError(err.code, `${path}: ${err.message}`, { cause: err });
  }
}

/** Encodes `img` in the format the extension names (.png, .jpg, .jpeg) and writes it atomically. */
export async function writeImageFile(
  path: string,
  img: RgbaImage,
  opts: EncodeOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeImage(img, formatFromPath(path), opts));
}

/**
 * Writes frames as an animated GIF (.gif) or APNG (.png, .apng), atomically. APNG keeps every
 * colour and alpha; it ignores the GIF-only options (palette, background).
 */
export async function writeAnimationFile(
  path: string,
  frames: readonly RgbaImage[],
  opts: GifOptions = {},
): Promise<void> {
  const ext = extname(path).toLowerCase();
  const format = ANIMATION_FORMATS[ext];
  if (!format) {
    throw new ImageError(
      "unsupported",
      `cannot choose an animation format for "${path}" from its extension "${ext}": ` +
        `use .gif or .png`,
    );
  }
  await writeFileAtomic(
    path,
    format === "gif" ? encodeGif(frames, opts) : encodeApng(frames, opts),
  );
}

/**
 * Replaces `path` with `bytes` so that readers see the old file or the new one, never a mix.
 * rename() is atomic only within one file system, hence the temporary file sits next to the
 * target; sync() first, or a power cut after the rename could leave an empty file behind it.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  // "wx": fail rather than reuse a name someone else holds, so we only ever delete our own file.
  const file = await open(temp, "wx");
  try {
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {}); // best effort: a vanished temp file needs no cleanup
    throw err;
  }
}
