// How the convolution kernels share eight vec4s among the lanes that all need them: with
// subgroups of at least 8 lanes, each lane loads one and subgroupBroadcast hands every lane all
// eight (a register shuffle); otherwise each lane loads the eight itself. The shaders leave
// three template slots for this: {{enable}}, {{lane}} (an entry-point builtin) and {{spread}}
// (the body of their `fn spread`: 8 consecutive vec4s of the array `from` in laneSlots, the 8
// pixels of a tile in pixelSlots).

import type { BackendInfo } from "../../backend/backend.ts";

/** Subgroup broadcasts need the feature and 8 lanes per subgroup (SwiftShader has 4). */
export function useSubgroups(info: BackendInfo): boolean {
  return info.features.includes("subgroups") && (info.subgroupMinSize ?? 0) >= 8;
}

const eight = [0, 1, 2, 3, 4, 5, 6, 7];
const broadcast = () =>
  `  return array(${eight.map((i) => `subgroupBroadcast(v, ${i}u)`).join(", ")});`;

export function laneSlots(subgroups: boolean, from: string) {
  if (!subgroups) {
    return {
      enable: "",
      lane: "@builtin(local_invocation_index) lane: u32",
      spread: `  return array(${eight.map((i) => `${from}[at + ${i}u]`).join(", ")});`,
    };
  }
  return {
    enable: "enable subgroups;",
    lane: "@builtin(subgroup_invocation_id) lane: u32",
    spread: `  let v = ${from}[at + lane % 8u];\n${broadcast()}`,
  };
}

/** conv2d_small.wgsl: `fn spread(off, q, lane)` gives the input vec4s of pixels q·8 … q·8+7. */
export function pixelSlots(subgroups: boolean) {
  if (!subgroups) {
    return {
      enable: "",
      lane: "@builtin(local_invocation_index) lane: u32",
      spread: `  return array(${eight.map((i) => `x[off + pixBase[q * 8u + ${i}u]]`).join(", ")});`,
    };
  }
  return {
    enable: "enable subgroups;",
    lane: "@builtin(subgroup_invocation_id) lane: u32",
    spread: `  let v = x[off + laneBase[q]];\n${broadcast()}`,
  };
}
