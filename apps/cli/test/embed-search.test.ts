// `sheep embed index|search|project` end to end on the demo's sample pictures (GoogLeNet at a
// small input size, for time): a query finds its own picture first, also as a mirrored crop;
// projections write their files; bad flags get one line and exit code 2.

import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeImage, encodeImage, readImageFile } from "@sheep/io";
import { beforeAll, describe, expect, test } from "vitest";
import { sheepRunner } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-embed-search-"));
const env = { ...process.env, SHEEP_DEBUG: "" };
const sheep = sheepRunner(env);
const samples = join(import.meta.dirname, "..", "..", "demo", "static", "samples");
const index = join(dir, "samples.index");

/** The last line of stderr that is not a warning, phase or progress line. */
const errLine = (s: string) =>
  s
    .split("\n")
    .filter((l) => l.startsWith("sheep: ") && !l.endsWith("…"))
    .at(-1);

describe("sheep embed (search side)", () => {
  test("--help lists the three subcommands", async () => {
    const r = await sheep("embed", "--help");
    expect(r.code).toBe(0);
    for (const sub of ["embed index", "embed search", "embed project"])
      expect(r.stdout).toContain(sub);
  });

  test.each([
    [["embed"], "sheep embed needs a subcommand: index, search or project"],
    [["embed", "wat"], 'unknown subcommand "embed wat": use train, eval, index, search, project'],
    [["embed", "search", "--query", "q.png"], "needs --index INDEX or --dir DIR (one of them)"],
    [
      ["embed", "search", "--index", "i", "--query", "q.png", "--k", "0"],
      '--k must be an integer from 1 to 10000, got "0"',
    ],
    [
      ["embed", "index", "--dir", join(dir, "none"), "--out", join(dir, "x")],
      `--dir ${join(dir, "none")}: no such folder`,
    ],
    [["embed", "index", "--dir", samples], "sheep embed index needs --out INDEX"],
    [
      ["embed", "project", "--index", "i", "--method", "umap", "--out", "p"],
      '--method must be pca or tsne, got "umap"',
    ],
    [
      ["embed", "project", "--index", join(dir, "missing"), "--out", join(dir, "p")],
      "cannot read the index file",
    ],
    [["embed", "search", "--bogus"], "unknown flag '--bogus'"],
  ])("%j fails in one line", async (args, message) => {
    const r = await sheep(...args);
    expect(r.code).toBe(2);
    expect(errLine(r.stderr)).toContain(message);
  });

  describe("over apps/demo/static/samples", () => {
    beforeAll(async () => {
      const r = await sheep(
        "embed",
        "index",
        "--dir",
        samples,
        "--out",
        index,
        "--size",
        "96",
        "--thumb",
        "24",
      );
      expect(r.code, r.stderr).toBe(0);
    }, 300_000);

    test("the index holds every sample", () => {
      expect(existsSync(index)).toBe(true);
    });

    test("a mirrored crop of a sample finds that sample first; the contact sheet is written", async () => {
      // Chelsea mirrored left to right, with a quarter cut off the right: not the same pixels.
      const img = await readImageFile(join(samples, "chelsea.png"));
      const w = Math.floor(img.width * 0.75);
      const data = new Uint8ClampedArray(w * img.height * 4);
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < w; x++)
          data.set(
            img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
            (y * w + (w - 1 - x)) * 4,
          );
      const query = join(dir, "query.png");
      const { writeFileSync } = await import("node:fs");
      writeFileSync(query, encodeImage({ width: w, height: img.height, data }, "png"));
      const grid = join(dir, "grid.png");
      const r = await sheep(
        "embed",
        "search",
        "--index",
        index,
        "--query",
        query,
        "--k",
        "3",
        "--out",
        grid,
      );
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.split("\n").filter((l) => /^\s+\d+\. /.test(l));
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^\s+1\. \d\.\d{4} {2}chelsea\.png$/);
      const sheet = decodeImage(readFileSync(grid));
      expect([sheet.width, sheet.height]).toEqual([4 * 136 + 8, 128 + 16 + 16]);
    }, 120_000);

    test("a sample itself is found first at distance 0 (--json)", async () => {
      const r = await sheep(
        "embed",
        "search",
        "--index",
        index,
        "--query",
        join(samples, "rocket.jpg"),
        "--k",
        "2",
        "--json",
      );
      expect(r.code, r.stderr).toBe(0);
      const { hits } = JSON.parse(r.stdout);
      expect(hits[0].file).toBe("rocket.jpg");
      expect(hits[0].distance).toBeLessThan(1e-3);
      expect(hits[1].distance).toBeGreaterThan(0.1);
    }, 120_000);

    test("project --method pca writes FILE.json, FILE.png and FILE.svg", async () => {
      const base = join(dir, "pca");
      const r = await sheep("embed", "project", "--index", index, "--out", `${base}.json`);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(readFileSync(`${base}.json`, "utf8"));
      expect(json.points).toHaveLength(8);
      expect(json.points[0].coords).toHaveLength(2);
      expect(json.points.map((p: { file: string }) => p.file)).toContain("chelsea.png");
      expect(decodeImage(readFileSync(`${base}.png`)).width).toBe(800);
      expect(readFileSync(`${base}.svg`, "utf8")).toContain("data:image/png;base64,");
    });

    test("project --method tsne --dims 3 writes the coordinates only", async () => {
      const base = join(dir, "tsne3");
      const r = await sheep(
        "embed",
        "project",
        "--index",
        index,
        "--method",
        "tsne",
        "--dims",
        "3",
        "--iterations",
        "200",
        "--out",
        base,
      );
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(readFileSync(`${base}.json`, "utf8"));
      expect(json.points[0].coords).toHaveLength(3);
      expect(
        json.points.flatMap((p: { coords: number[] }) => p.coords).every(Number.isFinite),
      ).toBe(true);
      expect(existsSync(`${base}.png`)).toBe(false);
      const bad = await sheep(
        "embed",
        "project",
        "--index",
        index,
        "--method",
        "tsne",
        "--perplexity",
        "5",
        "--out",
        base,
      );
      expect(bad.code).toBe(2);
      expect(errLine(bad.stderr)).toContain(
        "--perplexity must be below (n − 1) / 3 = 2.33 for 8 pictures, got 5",
      );
    });
  });
});
