// `sheep weights list|inspect|convert|pull|verify`: the weights registry, safetensors files and
// Caffe models (.caffemodel).

import { existsSync, readFileSync, statSync } from "node:fs";
import {
  convertCaffemodelFile,
  formatCaffemodelSummary,
  formatInspect,
  inspectFile,
  listWeights,
  pullWeights,
  readCaffemodelFile,
  summarizeCaffemodel,
  verifyWeights,
  weightsPath,
} from "@sheep/models/node";
import { type Command, UsageError } from "../args.ts";
import { formatBytes, ProgressBar } from "../progress.ts";

const USAGE = `sheep weights list [--json]
       sheep weights inspect FILE[.caffemodel] [--json]
       sheep weights convert FILE.caffemodel --out FILE.safetensors [--f16]
                             [--prototxt DEPLOY.prototxt [--labels synset_words.txt]]
       sheep weights pull NAME [--url URL | --mirror URL] [--force]
       sheep weights verify NAME|FILE`;

async function list(json: boolean): Promise<number> {
  const rows = listWeights().map((e) => {
    const path = weightsPath(e.name);
    const present = existsSync(path);
    return {
      name: e.name,
      bytes: present ? statSync(path).size : e.approxBytes,
      present,
      path,
      url: e.url,
      sha256: e.sha256 ?? null,
      license: e.license,
      description: e.description,
    };
  });
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const r of rows) {
    const where = r.present ? `at ${r.path}` : r.url ? "not pulled yet" : "converted on first use";
    console.log(
      `${r.name.padEnd(11)} ${formatBytes(r.bytes).padStart(9)}  ${where}\n        ${r.description}\n        license: ${r.license}`,
    );
  }
  return 0;
}

async function pull(
  name: string,
  url: string | undefined,
  mirror: string | undefined,
  force: boolean,
): Promise<number> {
  let bar: ProgressBar | null = null;
  const result = await pullWeights(name, {
    url,
    mirror,
    force,
    onProgress: (p) => {
      bar ??= new ProgressBar(`pull ${name}`, p.total ?? 0, { unit: formatBytes });
      bar.update(p.received, `${formatBytes(p.bytesPerSec)}/s`, p.total ?? p.received);
    },
  });
  (bar as ProgressBar | null)?.finish();
  console.log(
    result.downloaded ? `downloaded ${name} to ${result.path}` : `${name} is at ${result.path}`,
  );
  for (const path of result.companions ?? []) console.log(`  with ${path}`);
  const prototxt = result.companions?.find((p) => p.endsWith(".prototxt"));
  if (result.path.endsWith(".caffemodel") && prototxt) {
    // The engine loads safetensors: say how to get one from what was just fetched.
    const out = result.path.replace(/\.caffemodel$/, ".safetensors");
    console.log(
      `to use it: sheep weights convert ${result.path} --out ${out} --prototxt ${prototxt}`,
    );
  }
  return 0;
}

const isCaffemodel = (file: string) => file.toLowerCase().endsWith(".caffemodel");

/** Adds the file's name to the first line of an error, as `inspect` does for safetensors. */
const naming = (file: string) => (e: Error) => {
  throw new Error(`${file}: ${e.message}`);
};

interface ConvertFlags {
  out?: string;
  f16: boolean;
  prototxt?: string;
  labels?: string;
}

/**
 * With --prototxt the file carries the deploy net (and --labels the class names) in its
 * metadata, so loadCaffeSafetensors needs nothing else, and layers the prototxt lacks are left out.
 */
async function convert(file: string, flags: ConvertFlags): Promise<number> {
  if (!isCaffemodel(file)) throw new UsageError(`convert reads a .caffemodel file, not "${file}"`);
  if (!flags.out) throw new UsageError("sheep weights convert needs --out FILE.safetensors");
  if (flags.labels && !flags.prototxt) throw new UsageError("--labels goes with --prototxt");
  const text = (path?: string) => (path ? readFileSync(path, "utf8") : undefined);
  const options = { f16: flags.f16, prototxt: text(flags.prototxt), labels: text(flags.labels) };
  const r = await convertCaffemodelFile(file, flags.out, options).catch(naming(file));
  console.log(
    `wrote ${flags.out}: ${r.tensors} tensors, ${r.parameters.toLocaleString("en-US")} ` +
      `parameters, ${flags.f16 ? "F16" : "F32"} (from ${r.model.layers.length} Caffe layers)`,
  );
  if (r.dropped.length) console.log(`  left out (not in the prototxt): ${r.dropped.join(", ")}`);
  return 0;
}

async function verify(target: string): Promise<number> {
  const v = await verifyWeights(target);
  const expected = [
    v.expected && v.expected !== v.sha256 ? `sha256 ${v.expected}` : "",
    v.expectedSha1 && v.expectedSha1 !== v.sha1 ? `sha1 ${v.expectedSha1}` : "",
  ].filter(Boolean);
  const verdict =
    v.ok === undefined
      ? "no recorded digest to compare with"
      : v.ok
        ? "OK"
        : `MISMATCH (expected ${expected.join(", ")})`;
  const sha1 = v.sha1 ? `\n  sha1 ${v.sha1}` : "";
  console.log(`${v.path}\n  ${formatBytes(v.bytes)}  sha256 ${v.sha256}${sha1}\n  ${verdict}`);
  return v.ok === false ? 1 : 0;
}

export const weights: Command = {
  name: "weights",
  summary: "list, inspect, convert, pull and verify model weights (safetensors, caffemodel)",
  usage: USAGE,
  options: {
    json: { type: "boolean" },
    url: { type: "string" },
    mirror: { type: "string" },
    force: { type: "boolean" },
    out: { type: "string" },
    f16: { type: "boolean" },
    prototxt: { type: "string" },
    labels: { type: "string" },
  },
  async run(v, [action, target, ...extra]) {
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const need = (what: string) => {
      if (!target) throw new UsageError(`sheep weights ${action} needs ${what}`);
      return target;
    };
    switch (action) {
      case "list":
        return list(Boolean(v.json));
      case "inspect": {
        const file = need("a FILE");
        if (isCaffemodel(file)) {
          const summary = summarizeCaffemodel(await readCaffemodelFile(file).catch(naming(file)));
          console.log(v.json ? JSON.stringify(summary) : formatCaffemodelSummary(summary));
          return 0;
        }
        const result = await inspectFile(file).catch((e: Error) => {
          throw new Error(`${file}: ${e.message}`);
        });
        console.log(v.json ? JSON.stringify(result) : formatInspect(result));
        return 0;
      }
      case "pull":
        return pull(
          need("a NAME (see `sheep weights list`)"),
          v.url as string | undefined,
          (v.mirror as string | undefined)?.replace(/\/+$/, ""),
          Boolean(v.force),
        );
      case "convert":
        return convert(need("a FILE.caffemodel"), {
          out: v.out as string | undefined,
          f16: Boolean(v.f16),
          prototxt: v.prototxt as string | undefined,
          labels: v.labels as string | undefined,
        });
      case "verify":
        return verify(need("a NAME or FILE"));
      default:
        throw new UsageError(
          action
            ? `unknown action "${action}" (list, inspect, convert, pull, verify)`
            : `usage: ${USAGE}`,
        );
    }
  },
};
