// Flag parsing for every subcommand (node:util parseArgs), with one-line errors that say what
// was wrong and where to look.

import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { didYouMean } from "@sheep/algorithms";

export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  run(
    values: Record<string, string | boolean | string[] | boolean[] | undefined>,
    positionals: string[],
  ): Promise<number>;
}

/**
 * `--steps -3` as `--steps=-3`: parseArgs refuses a value that starts with a dash ("argument is
 * ambiguous"), which would hide the real problem (a negative number) behind a parser message.
 */
function joinNegativeNumbers(cmd: Command, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i].startsWith("--") ? argv[i].slice(2) : null;
    const next = argv[i + 1];
    if (flag && cmd.options[flag]?.type === "string" && next && /^-[\d.]/.test(next)) {
      out.push(`--${flag}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

export function parse(cmd: Command, argv: string[]) {
  try {
    return parseArgs({
      args: joinNegativeNumbers(cmd, argv),
      options: { ...cmd.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const msg = (e as Error).message
      .replace(/\. To specify.*$/s, "")
      .replace(/^Unknown option/, "unknown flag");
    throw new UsageError(`${msg} (see \`sheep ${cmd.name} --help\`)`);
  }
}

/** A numeric flag, checked against its range; the message names the flag, value and range. */
export function num(
  value: unknown,
  flag: string,
  opts: { int?: boolean; min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { min, max } = opts;
  if (
    value === "" ||
    !Number.isFinite(n) ||
    (opts.int && !Number.isInteger(n)) ||
    (min !== undefined && n < min) ||
    (max !== undefined && n > max)
  ) {
    const range =
      min !== undefined && max !== undefined
        ? ` from ${min} to ${max}`
        : min !== undefined
          ? ` ≥ ${min}`
          : max !== undefined
            ? ` ≤ ${max}`
            : "";
    throw new UsageError(
      `--${flag} must be ${opts.int ? "an integer" : "a number"}${range}, got "${value}"`,
    );
  }
  return n;
}

/** One of a fixed set of words, or a message that lists them (and the closest one). */
export function oneOf<T extends string>(
  value: unknown,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (allowed.includes(value as T)) return value as T;
  const list = `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
  throw new UsageError(
    `--${flag} must be ${list}, got "${value}"${didYouMean(String(value), allowed)}`,
  );
}

/**
 * Fail now, not after an hour of work, when `path` cannot be written: its folder missing or not
 * a folder, the folder or an existing file not writable.
 */
export function writable(path: string, flag = "out"): string {
  const dir = dirname(resolve(path));
  const why = !existsSync(dir)
    ? `the folder ${dir} does not exist`
    : !statSync(dir).isDirectory()
      ? `${dir} is not a folder`
      : existsSync(path) && statSync(path).isDirectory()
        ? `${path} is a folder`
        : !canWrite(existsSync(path) ? path : dir)
          ? `${existsSync(path) ? path : dir} is not writable`
          : null;
  if (why) throw new UsageError(`--${flag} ${path}: cannot write there (${why})`);
  return path;
}

/** A folder that will be made if missing: its nearest existing ancestor must be writable. */
export function writableDir(dir: string, flag: string): string {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const why = !statSync(at).isDirectory()
    ? `${at} is not a folder`
    : !canWrite(at)
      ? `${at} is not writable`
      : null;
  if (why) throw new UsageError(`--${flag} ${dir}: cannot write there (${why})`);
  return dir;
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
