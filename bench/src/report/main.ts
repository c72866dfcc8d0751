// `node bench/dist/report.js`: the Markdown tables and the SVG chart from bench/results/.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { report } from "./report.ts";

const here = dirname(fileURLToPath(import.meta.url));
report(resolve(here, "..", "results"), (line) => process.stderr.write(`${line}\n`));
