// Flag parsing for every subcommand (node:util parseArgs), with one-line errors that say what
// was wrong and where to look.

import { type ParseArgsConfig, parseArgs } from "node:util";

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

export function parse(cmd: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
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

/** A numeric flag, checked. */
export function num(
  value: unknown,
  flag: string,
  opts: { int?: boolean; min?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (
    !Number.isFinite(n) ||
    (opts.int && !Number.isInteger(n)) ||
    (opts.min !== undefined && n < opts.min)
  ) {
    throw new UsageError(
      `--${flag} must be ${opts.int ? "an integer" : "a number"}${opts.min !== undefined ? ` ≥ ${opts.min}` : ""}, got "${value}"`,
    );
  }
  return n;
}
