// The sizes TypeScript and WGSL share are said once (backend/webgpu/constants.ts): 1-D
// workgroups read WG_1D from the backend's table, and planners read a shader's compile-time
// consts from its source. No GPU needed: these check the sources and the two readers.

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { shaderConstants, sharedOverrides, wgslConst } from "../src/backend/webgpu/constants.ts";

const dir = fileURLToPath(new URL("../../../shaders/", import.meta.url));
const shaders = readdirSync(dir)
  .filter((f) => f.endsWith(".wgsl"))
  .map((f) => ({ file: f, source: readFileSync(dir + f, "utf8") }));

test("no shader spells the 1-D workgroup size as a number", () => {
  expect(shaders.length).toBeGreaterThan(15);
  const bare = shaders
    .filter((s) => /@workgroup_size\(\s*64\s*\)/.test(s.source))
    .map((s) => s.file);
  expect(bare).toEqual([]);
});

test("every shader that uses WG_1D declares it as an override without a default", () => {
  const users = shaders.filter((s) => /\bWG_1D\b/.test(s.source));
  expect(users.length).toBeGreaterThan(10);
  for (const s of users) {
    expect(s.source, s.file).toMatch(/^override WG_1D: u32;$/m);
    expect(sharedOverrides(s.source), s.file).toEqual({ WG_1D: shaderConstants.WG_1D });
  }
});

test("sharedOverrides takes only the table's names, wgslConst reads consts or throws", () => {
  const src = "override WG_1D: u32;\noverride PER: u32 = 4;\nconst COLS = 4u;\nconst N=12;\n";
  expect(sharedOverrides(src)).toEqual({ WG_1D: 64 });
  expect(sharedOverrides("const WG_1D = 3u;")).toEqual({});
  expect(wgslConst(src, "COLS")).toBe(4);
  expect(wgslConst(src, "N")).toBe(12);
  expect(() => wgslConst(src, "ROWS")).toThrow(/WGSL constant ROWS not found/);
  const matvec = shaders.find((s) => s.file === "matvec.wgsl")!.source;
  expect(wgslConst(matvec, "KN_COLS")).toBe(64);
});
