// Flags checked before any work starts, as a new user meets them: negative and out-of-range
// numbers name the flag, the value and the range; outputs that cannot be written fail at once;
// mistyped layers, classes and presets get "did you mean", unknown layers the full list.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeImage } from "@sheep/io";
import { randomVggWeights, vggConfig, vggSafetensors } from "@sheep/models";
import { beforeAll, describe, expect, test } from "vitest";
import { sheepRunner } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "sheep-flags-"));
const env = { ...process.env, SHEEP_DEBUG: "", SHEEP_CACHE_DIR: join(dir, "cache") };
const input = join(dir, "photo.png");
const weights = join(dir, "tiny-vgg16.safetensors");

const sheep = sheepRunner(env);

/** The error line (the last "sheep: " line that is not a phase). */
const errorLine = (s: string) =>
  s
    .split("\n")
    .filter((l) => l.startsWith("sheep: ") && !l.endsWith("…"))
    .at(-1) ?? "";

beforeAll(() => {
  const data = new Uint8ClampedArray(24 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : i % 251));
  writeFileSync(input, encodeImage({ width: 24, height: 16, data }, "png"));
  const config = vggConfig("vgg16", { divisor: 16, hidden: 16 });
  writeFileSync(weights, vggSafetensors(config, "timm", randomVggWeights(config, 3)));
});

describe("flags are checked before any work", () => {
  test("numbers: negative, out of range, not numbers — flag, value and range", async () => {
    const out = join(dir, "x.png");
    const cases: [string[], RegExp][] = [
      [
        ["dream", input, "--out", out, "--steps", "-3"],
        /--steps must be an integer from 1 to 10000, got "-3"/,
      ],
      [
        ["dream", input, "--out", out, "--octaves", "0"],
        /--octaves must be an integer from 1 to 12, got "0"/,
      ],
      [
        ["dream", input, "--out", out, "--step-size", "-1.5"],
        /--step-size must be a number from 0 to 100, got "-1.5"/,
      ],
      [
        ["dream", input, "--out", out, "--max-side", "abc"],
        /--max-side must be an integer from 16 to 65536, got "abc"/,
      ],
      [
        ["dream", input, "--out", out, "--max-side", "512", "--full-size"],
        /--max-side and --full-size: choose one/,
      ],
      [
        ["dream", input, "--out", out, "--preset", "clasic"],
        /--preset must be gentle, classic or deep, got "clasic" \(did you mean "classic"\?\)/,
      ],
      [
        ["viz", "--layer", "block1_conv1", "--out", out, "--size", "-8"],
        /--size must be an integer from 8 to 4096, got "-8"/,
      ],
      [
        ["viz", "--layer", "block1_conv1", "--out", out, "--recipe", "robustt"],
        /did you mean "robust"/,
      ],
      [["classify", input, "--top", "-1"], /--top must be an integer from 1 to 1000, got "-1"/],
    ];
    for (const [args, message] of cases) {
      const r = await sheep(...args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).not.toMatch(/ambiguous/);
      expect(errorLine(r.stderr)).toMatch(message);
    }
  });

  test("--out that cannot be written fails before the picture is even read", async () => {
    const locked = join(dir, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const canWrite = (() => {
      try {
        writeFileSync(join(locked, "probe"), "");
        return true;
      } catch {
        return false;
      }
    })();
    const cases: [string[], RegExp][] = [
      [
        ["dream", input, "--out", join(dir, "no", "such", "x.png")],
        /--out .*x\.png: cannot write there \(the folder .*such does not exist\)/,
      ],
      [
        ["viz", "--layer", "l", "--out", join(dir, "missing", "v.png")],
        /cannot write there \(the folder .*missing does not exist\)/,
      ],
      // a missing IMAGE is found only after the output check: it comes first
      [["dream", join(dir, "nope.png"), "--out", join(dir, "gone", "x.png")], /cannot write there/],
    ];
    // root may write anywhere: the unwritable-folder case needs an ordinary user
    if (!canWrite)
      cases.push([["dream", input, "--out", join(locked, "x.png")], /locked is not writable/]);
    else
      console.log(
        "skipped the unwritable-folder case: this user (root?) can write into a 0500 folder",
      );
    for (const [args, message] of cases) {
      const r = await sheep(...args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(errorLine(r.stderr)).toMatch(message);
      expect(r.stderr).not.toMatch(/decoding|loading the network/);
    }
    chmodSync(locked, 0o700);
  });

  test("layers: did you mean, and an unknown one lists every layer, grouped", async () => {
    const out = join(dir, "y.png");
    const typo = await sheep(
      "dream",
      input,
      "--out",
      out,
      "--weights",
      weights,
      "--layers",
      "block4_conv9",
    );
    expect(typo.code, typo.stderr).toBe(2);
    const line = errorLine(typo.stderr);
    expect(line).toMatch(
      /has no layer "block4_conv9" \(did you mean "block4_conv\d"\?\); its layers: .*block1: block1_conv1/,
    );
    expect(line).not.toMatch(/…/);
    for (const b of [1, 2, 3, 4, 5]) expect(line).toContain(`block${b}_conv1, block${b}_conv2`);
    expect(line).toContain("block5_conv3");
    const viz = await sheep("viz", "--weights", weights, "--layer", "blok2_conv1", "--out", out);
    expect(errorLine(viz.stderr)).toMatch(/did you mean "block2_conv1"/);
    expect(existsSync(out)).toBe(false);
  });

  test("channels out of range say the layer's range; classes get did you mean", async () => {
    const out = join(dir, "z.png");
    const viz = await sheep(
      "viz",
      "--weights",
      weights,
      "--layer",
      "block1_conv1",
      "--channels",
      "0-999",
      "--out",
      out,
    );
    expect(viz.code, viz.stderr).toBe(2);
    expect(errorLine(viz.stderr)).toMatch(
      /--channels 0-999: vgg16's layer block1_conv1 has 4 channels, 0–3; 4–999 are out of range/,
    );
    const dream = await sheep(
      "dream",
      input,
      "--out",
      out,
      "--weights",
      weights,
      "--layers",
      "block2_conv1",
      "--channel",
      "8",
    );
    expect(errorLine(dream.stderr)).toMatch(
      /--channel 8: vgg16's layer block2_conv1 has 8 channels, 0–7/,
    );
    const cls = await sheep("viz", "--weights", weights, "--class", "goldfsh", "--out", out);
    expect(errorLine(cls.stderr)).toMatch(
      /no class is called "goldfsh" \(did you mean "goldfish"\?\)/,
    );
    expect(existsSync(out)).toBe(false);
  });

  test("viz warns when the robust recipe gets too few steps to leave the noise", async () => {
    const out = join(dir, "few.png");
    const r = await sheep(
      "viz",
      "--weights",
      weights,
      "--layer",
      "block1_conv1",
      "--channels",
      "0",
      "--size",
      "16",
      "--steps",
      "10",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /--steps 10 is few for the robust recipe: below 128 its images are mostly grey noise/,
    );
  }, 300_000);
});
