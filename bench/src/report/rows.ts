// Small helpers the report's tables, targets and chart share.

import { VGG16_CONVS } from "../suite/cases-cnn.ts";
import { type BenchResult, type KernelRow, PEER_NAMES, type PeerName } from "../suite/types.ts";

/** The VGG input side of a conv row ("conv3_1 fwd 56²" is layer div 4: input 224). */
export function inputSide(k: KernelRow): number {
  const side = Number(/ (\d+)²$/.exec(k.name)?.[1] ?? 0);
  return side * (VGG16_CONVS.find((l) => l.layer === k.layer)?.div ?? 1);
}

/** How often a layer's shape occurs among VGG16's 13 convolutions. */
export const repeatsOf = (layer?: string) =>
  VGG16_CONVS.find((l) => l.layer === layer)?.repeats ?? 1;

/** The peers that ran in this result, in the usual order. */
export function peersOf(r: BenchResult): PeerName[] {
  return PEER_NAMES.filter((p) => r.peers.some((i) => i.name === p && i.status === "ok"));
}

export const isCpu = (r: BenchResult) =>
  r.device.isFallbackAdapter || ["lavapipe", "swiftshader"].includes(r.device.adapter);

/** The command that produced a result, for the README. */
export function commandOf(r: BenchResult): string {
  const flags = r.flags.filter((f) => !f.startsWith("chromium:"));
  const clean: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === "--out") i++;
    else clean.push(flags[i]);
  }
  if (r.env.launcher === "kit") return `./run.sh ${clean.join(" ")}`.trim();
  return clean.length ? `npm run bench -- ${clean.join(" ")}` : "npm run bench";
}
