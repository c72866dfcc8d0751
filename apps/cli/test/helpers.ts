// Shared by the CLI tests: run `sheep` as a real process and keep its exit code and output.

import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

/** The `sheep` entry point these tests run. */
export const bin = join(import.meta.dirname, "..", "bin", "sheep.mjs");

export interface SheepRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A runner of `sheep ARGS…` with `env`: resolves with the exit code, never throws on one. */
export function sheepRunner(env: NodeJS.ProcessEnv): (...args: string[]) => Promise<SheepRun> {
  return async (...args) => {
    try {
      const { stdout, stderr } = await promisify(execFile)("node", [bin, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as SheepRun;
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  };
}
