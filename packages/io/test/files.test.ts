// File helpers: the format follows the extension, reads name the file in errors, and writes are
// atomic: no temp files left behind, and an old file survives any failed write.

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  decodeImage,
  formatFromPath,
  ImageError,
  readImageFile,
  writeAnimationFile,
  writeImageFile,
} from "../src/index.ts";
import { readGif } from "./helpers/gif-reader.ts";

/** A 4×3 image with every byte, alpha included, set to `value`. */
const img = (value: number) => ({
  width: 4,
  height: 3,
  data: new Uint8ClampedArray(48).fill(value),
});
/** The same, but opaque. */
const opaque = (value: number) => {
  const { data } = img(value);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: 4, height: 3, data };
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sheep-io-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("file helpers", () => {
  it("picks the format from the extension, case-insensitively", async () => {
    expect(formatFromPath("a/b.PNG")).toBe("png");
    expect(formatFromPath("c.jpg")).toBe("jpeg");
    expect(formatFromPath("d.JPEG")).toBe("jpeg");
    await writeImageFile(join(dir, "x.png"), img(255));
    await writeImageFile(join(dir, "x.JPG"), img(255));
    const png = await readFile(join(dir, "x.png"));
    const jpg = await readFile(join(dir, "x.JPG"));
    expect([png[1], png[2], png[3]]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    expect([jpg[0], jpg[1]]).toEqual([0xff, 0xd8]);
    expect((await readImageFile(join(dir, "x.png"))).data).toEqual(img(255).data);
    expect(await readdir(dir)).toEqual(["x.JPG", "x.png"]);
  });

  it("names the extension and the choices when it cannot pick a format", async () => {
    const path = join(dir, "out.bmp");
    const err = (await writeImageFile(path, img(1)).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      `cannot choose an image format for "${path}" from its extension ".bmp": ` +
        "use .png, .jpg or .jpeg (for animations, writeAnimationFile with .gif or .png)",
    );
    await expect(writeImageFile(join(dir, "noext"), img(1))).rejects.toMatchObject({
      code: "unsupported",
    });
    await expect(writeAnimationFile(join(dir, "a.jpg"), [img(1)])).rejects.toThrow(
      /use \.gif or \.png/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("reads by content, not by name, and puts the path in error messages", async () => {
    const liar = join(dir, "photo.jpg");
    await writeImageFile(join(dir, "real.png"), img(7));
    await writeFile(liar, await readFile(join(dir, "real.png")));
    expect((await readImageFile(liar)).data).toEqual(img(7).data);

    const gif = join(dir, "anim.png");
    await writeFile(gif, Buffer.from("GIF89a........"));
    const err = await readImageFile(gif).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageError);
    expect((err as ImageError).message).toBe(
      `${gif}: unsupported image format (looks like GIF): use PNG or JPEG`,
    );
    expect((err as ImageError).code).toBe("unsupported");
    await expect(readImageFile(join(dir, "missing.png"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("replaces an existing file only when the write succeeds, leaving no temp files", async () => {
    const path = join(dir, "keep.png");
    await writeImageFile(path, img(10));
    const before = await readFile(path);

    // Encoding fails (bad image): nothing is touched.
    const broken = { width: 4, height: 3, data: new Uint8ClampedArray(5) };
    await expect(writeImageFile(path, broken)).rejects.toThrow(RangeError);
    expect(await readFile(path)).toEqual(before);

    // The rename fails (the target is a non-empty directory): the temp file is removed.
    const blocked = join(dir, "blocked.png");
    await mkdir(blocked);
    await writeFile(join(blocked, "inside"), "x");
    await expect(writeImageFile(blocked, img(10))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["blocked.png", "keep.png"]);

    // A successful write replaces the old content.
    await writeImageFile(path, img(200));
    expect(decodeImage(await readFile(path)).data).toEqual(img(200).data);
    expect((await readdir(dir)).sort()).toEqual(["blocked.png", "keep.png"]);
  });

  it("writes animations as GIF or APNG by extension", async () => {
    const frames = [opaque(0), opaque(128), opaque(255)];
    await writeAnimationFile(join(dir, "a.gif"), frames, { fps: 5 });
    await writeAnimationFile(join(dir, "a.png"), frames);
    const gif = readGif(await readFile(join(dir, "a.gif")));
    expect(gif.frames.map((f) => [f.delayCs, f.rgba[0]])).toEqual([
      [20, 0],
      [20, 128],
      [20, 255],
    ]);
    expect((await readImageFile(join(dir, "a.png"))).data).toEqual(frames[0].data);
    expect((await readdir(dir)).sort()).toEqual(["a.gif", "a.png"]);
  });
});
