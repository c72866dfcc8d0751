// `npm run bench`: parse the options, run the suite in this Node process on Dawn (or drive
// headless Chromium to run the same suite in a page), and write one JSON file per run.
// `npm run bench -- report` renders the tables and the chart from the results instead.

import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { release } from "@sheep/tensor";
import { report } from "../report/report.ts";
import { checkResult } from "../suite/schema.ts";
import { runSuite } from "../suite/suite.ts";
import type { BenchResult } from "../suite/types.ts";
import { type CliOptions, parseArgs, USAGE } from "./args.ts";
import { nodeHost } from "./host.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** bench/results in the repository (the bundle runs from bench/dist), results/ in the kit. */
export const RESULTS_DIR = resolve(here, "..", "results");

const log = (line: string) => process.stderr.write(`${line}\n`);

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/\(.*?\)/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);

/** <date>_<runner>_<device>_<mode>.json: the report keeps the latest per runner and device. */
export function resultPath(r: BenchResult, out: string | null): string {
  if (out) return resolve(out);
  const d = r.device;
  const device =
    d.adapter === "gpu" || d.adapter === "browser"
      ? slug(d.description || d.vendor || d.adapter)
      : d.adapter;
  const stamp = r.date.replace(/:/g, "").replace(/\..*$/, "");
  return join(RESULTS_DIR, `${stamp}_${r.runner}_${device || "unknown"}_${r.mode}.json`);
}

export function writeResult(r: BenchResult, out: string | null): string {
  const problems = checkResult(r);
  if (problems.length) throw new Error(`result does not match the schema: ${problems.join("; ")}`);
  const path = resultPath(r, out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(r, null, 1)}\n`);
  return path;
}

export async function main(
  argv: string[],
): Promise<{ path: string | null; result: BenchResult | null }> {
  const o: CliOptions = parseArgs(argv);
  if (o.command === "help") {
    console.log(USAGE);
    return { path: null, result: null };
  }
  if (o.command === "report") {
    report(RESULTS_DIR, log);
    return { path: null, result: null };
  }
  process.env.XDG_RUNTIME_DIR ??= "/tmp";
  let result: BenchResult;
  // The result so far, rewritten after each row (atomically), so a stopped run keeps its rows;
  // removed once the whole result is written.
  let partialPath: string | null = null;
  const onPartial = (r: BenchResult) => {
    partialPath ??= resultPath(r, o.out).replace(/\.json$/, ".partial.json");
    mkdirSync(dirname(partialPath), { recursive: true });
    writeFileSync(`${partialPath}.tmp`, `${JSON.stringify(r, null, 1)}\n`);
    renameSync(`${partialPath}.tmp`, partialPath);
  };
  if (o.runner === "chrome") {
    const { runChrome } = await import("./chrome.ts");
    result = await runChrome(o, log);
  } else {
    const adapter = (o.adapter ?? undefined) as
      | "auto"
      | "gpu"
      | "lavapipe"
      | "swiftshader"
      | undefined;
    try {
      result = await runSuite(nodeHost(log), {
        mode: o.mode,
        only: o.only,
        peers: o.peers,
        adapter,
        timeBoxS: o.timeBoxS,
        runs: o.runs,
        corrupt: o.corrupt,
        flags: o.flags,
        onPartial,
      });
    } finally {
      release();
    }
  }
  const path = writeResult(result, o.out);
  if (partialPath) rmSync(partialPath, { force: true });
  const failed = result.kernels.filter((k) => k.status === "failed").length;
  log(
    `\nwrote ${path} (${result.kernels.length} kernel rows, ${failed} failed; ${result.durationS} s)`,
  );
  return { path, result };
}

// Run when executed as the bundle's entry (not when a test imports main()).
const entry = process.argv[1] ? resolve(process.argv[1]) : "";
if (entry === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    // A Node process holding a Dawn instance does not exit by itself.
    () => process.exit(0),
    (e: Error) => {
      log(`bench: ${e.message}`);
      process.exit(1);
    },
  );
}
