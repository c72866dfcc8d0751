// Command-line options of `npm run bench` (bench/dist/run.js).

import { type Mode, PEER_NAMES, type PeerName } from "../suite/types.ts";

export const USAGE = `npm run bench -- [options]            (or: node bench/dist/run.js [options])
npm run bench -- report                 Markdown tables + SVG chart from bench/results/

  --quick               small shapes, few runs (CPU adapters: convs at 64², minutes)
  --tiny                the smoke test's mode: a handful of tiny cases, seconds
                        (default: full — every size; on CPU adapters the 224² convs are time-boxed)
  --only LIST           subsets, comma-separated: probe, kernels, pipelines, peers, a kernel family
                        (matmul, conv, convGx, convGw, maxpool, gram, reduce, elementwise)
                        or a pipeline name (vgg16-forward, vgg16-dream-step, …)
  --peers LIST          which peers (default: all): ${PEER_NAMES.join(", ")}, or none
  --runner node|chrome  Node + Dawn (default), or headless Chromium through puppeteer
  --adapter NAME        node: auto|gpu|lavapipe|swiftshader (default auto);
                        chrome: swiftshader|gpu (default swiftshader)
  --time-box SECONDS    CPU adapters: time for the 224² conv rows (default 900)
  --runs N              timed runs per kernel case and engine, and timed rounds per pipeline
                        (default: by mode and case time); more runs steady the medians on a
                        loaded machine
  --out FILE            where the JSON goes (default bench/results/<date>_<runner>_<device>_<mode>.json)
  --help`;

export interface CliOptions {
  command: "run" | "report" | "help";
  mode: Mode;
  only: string[] | null;
  peers: PeerName[];
  runner: "node" | "chrome";
  adapter: string | null;
  timeBoxS: number;
  runs?: number;
  out: string | null;
  corrupt?: string;
  flags: string[];
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    command: "run",
    mode: "full",
    only: null,
    peers: [...PEER_NAMES],
    runner: "node",
    adapter: null,
    timeBoxS: 900,
    out: null,
    flags: argv.slice(),
  };
  const list = (v: string) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value\n\n${USAGE}`);
      return v;
    };
    if (a === "report") o.command = "report";
    else if (a === "--help" || a === "-h") o.command = "help";
    else if (a === "--quick") o.mode = "quick";
    else if (a === "--tiny") o.mode = "tiny";
    else if (a === "--full") o.mode = "full";
    else if (a === "--only") o.only = list(value());
    else if (a === "--peers") {
      const ps = list(value());
      const bad = ps.filter((p) => p !== "none" && !PEER_NAMES.includes(p as PeerName));
      if (bad.length)
        throw new Error(
          `--peers: unknown ${bad.join(", ")} (use ${PEER_NAMES.join(", ")} or none)`,
        );
      o.peers = ps.filter((p) => p !== "none") as PeerName[];
    } else if (a === "--runner") {
      const r = value();
      if (r !== "node" && r !== "chrome") throw new Error(`--runner: "${r}" is not node or chrome`);
      o.runner = r;
    } else if (a === "--adapter") o.adapter = value();
    else if (a === "--time-box") o.timeBoxS = Number(value());
    else if (a === "--runs") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`--runs: "${argv[i]}" is not a whole number of runs (1 or more)`);
      o.runs = n;
    } else if (a === "--out") o.out = value();
    else if (a === "--corrupt") o.corrupt = value();
    else throw new Error(`unknown option ${a}\n\n${USAGE}`);
  }
  const adapters =
    o.runner === "node" ? ["auto", "gpu", "lavapipe", "swiftshader"] : ["swiftshader", "gpu"];
  if (o.adapter && !adapters.includes(o.adapter)) {
    throw new Error(`--adapter ${o.adapter}: the ${o.runner} runner takes ${adapters.join(", ")}`);
  }
  if (!(o.timeBoxS > 0)) throw new Error("--time-box needs a positive number of seconds");
  return o;
}
