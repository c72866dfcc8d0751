// A small run-time check of a result file against types.ts: every required field present with
// the right type, statuses from their sets, no timing on a failed row. Returns the problems.

import { type BenchResult, PEER_NAMES, SCHEMA_VERSION } from "./types.ts";

type Shape = Record<string, string>;

/** Field → expected typeof ("number?" = optional; "array", "object", "string|null" allowed). */
const TOP: Shape = {
  schema: "number",
  date: "string",
  commit: "string",
  runner: "string",
  mode: "string",
  flags: "array",
  env: "object",
  device: "object",
  probe: "object|null",
  peers: "array",
  kernels: "array",
  pipelines: "array",
  notes: "array",
  durationS: "number",
};
const DEVICE: Shape = {
  adapter: "string",
  vendor: "string",
  architecture: "string",
  description: "string",
  isFallbackAdapter: "boolean",
  features: "array",
  limits: "object",
  timestamps: "boolean",
};
const PROBE: Shape = {
  fmaGflops: "number",
  bandwidthGBs: "number",
  basis: "string",
  fma: "object",
  copy: "object",
};
const TIMING: Shape = {
  ms: "number",
  basis: "string",
  wallMs: "number",
  gpuMs: "number|null",
  runs: "number",
  samples: "array",
};
const KERNEL: Shape = {
  family: "string",
  name: "string",
  shape: "string",
  flops: "number",
  bytes: "number",
  status: "string",
  check: "object|null",
  ours: "object|null",
  peers: "object",
  gflops: "number?",
  gbs: "number?",
  pctFma: "number?",
  pctBw: "number?",
  dispatches: "array?",
};
const PIPELINE: Shape = {
  name: "string",
  description: "string",
  status: "string",
  note: "string?",
  time: "object?",
};

function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

function fields(where: string, v: unknown, shape: Shape, out: string[]): void {
  if (kind(v) !== "object") {
    out.push(`${where}: expected an object, got ${kind(v)}`);
    return;
  }
  const o = v as Record<string, unknown>;
  for (const [k, want] of Object.entries(shape)) {
    const optional = want.endsWith("?");
    const kinds = want.replace("?", "").split("|");
    if (!(k in o) || o[k] === undefined) {
      if (!optional) out.push(`${where}.${k}: missing`);
      continue;
    }
    if (!kinds.includes(kind(o[k]))) out.push(`${where}.${k}: expected ${want}, got ${kind(o[k])}`);
    if (kind(o[k]) === "number" && !Number.isFinite(o[k] as number))
      out.push(`${where}.${k}: not finite`);
  }
}

const oneOf = (where: string, v: unknown, set: readonly string[], out: string[]) => {
  if (!set.includes(v as string)) out.push(`${where}: "${v}" is not one of ${set.join(", ")}`);
};

export function checkResult(r: unknown): string[] {
  const out: string[] = [];
  fields("result", r, TOP, out);
  if (out.length) return out;
  const res = r as BenchResult;
  if (res.schema !== SCHEMA_VERSION) out.push(`schema ${res.schema} is not ${SCHEMA_VERSION}`);
  oneOf("runner", res.runner, ["node", "chrome"], out);
  oneOf("mode", res.mode, ["tiny", "quick", "full"], out);
  if (Number.isNaN(Date.parse(res.date))) out.push(`date: "${res.date}" is not a date`);
  fields("device", res.device, DEVICE, out);
  if (res.probe) fields("probe", res.probe, PROBE, out);
  for (const [i, p] of res.peers.entries()) {
    oneOf(`peers[${i}].name`, p.name, PEER_NAMES, out);
    oneOf(`peers[${i}].status`, p.status, ["ok", "skipped", "failed"], out);
  }
  for (const [i, k] of res.kernels.entries()) {
    const at = `kernels[${i}] (${k.name})`;
    fields(at, k, KERNEL, out);
    oneOf(`${at}.status`, k.status, ["ok", "failed", "skipped"], out);
    // The guard's promise: a row that failed its check carries no time.
    if (k.status !== "ok" && k.ours) out.push(`${at}: a ${k.status} row must not be timed`);
    if (k.status === "ok" && k.ours) fields(`${at}.ours`, k.ours, TIMING, out);
    if (k.check)
      fields(`${at}.check`, k.check, { against: "string", relErr: "number", tol: "number" }, out);
    for (const [name, cell] of Object.entries(k.peers)) {
      oneOf(`${at}.peers key`, name, PEER_NAMES, out);
      oneOf(`${at}.peers.${name}.status`, cell?.status, ["ok", "failed", "skipped"], out);
      if (cell?.status !== "ok" && cell?.time)
        out.push(`${at}.peers.${name}: a ${cell.status} peer must not be timed`);
      if (cell?.time) fields(`${at}.peers.${name}.time`, cell.time, TIMING, out);
    }
  }
  for (const [i, p] of res.pipelines.entries()) {
    fields(`pipelines[${i}]`, p, PIPELINE, out);
    oneOf(`pipelines[${i}].status`, p.status, ["ok", "failed", "skipped"], out);
    if (p.status !== "ok" && p.time)
      out.push(`pipelines[${i}]: a ${p.status} pipeline must not be timed`);
    if (p.time) fields(`pipelines[${i}].time`, p.time, TIMING, out);
  }
  return out;
}
