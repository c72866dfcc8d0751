// The `sheep` command line: a thin shell over the library's functions.
// Every subcommand has --help; errors are one line on stderr and a non-zero exit.

import { release } from "@sheep/tensor";
import { type Command, parse, UsageError } from "./args.ts";
import { attackCommand } from "./commands/attack.ts";
import { classify } from "./commands/classify.ts";
import { dreamCommand } from "./commands/dream.ts";
import { embedCommand } from "./commands/embed.ts";
import { explainCommand } from "./commands/explain.ts";
import { faceCommand } from "./commands/face.ts";
import { ganCommand } from "./commands/gan.ts";
import { info } from "./commands/info.ts";
import { styleCommand } from "./commands/style.ts";
import { vizCommand } from "./commands/viz.ts";
import { weights } from "./commands/weights.ts";

const commands: Command[] = [
  info,
  weights,
  classify,
  dreamCommand,
  vizCommand,
  styleCommand,
  ganCommand,
  attackCommand,
  explainCommand,
  embedCommand,
  faceCommand,
];

function help(): string {
  const lines = commands.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`);
  return `usage: sheep <command> [flags]\n\ncommands:\n${lines.join("\n")}\n\nsheep <command> --help for its flags`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) throw new UsageError(`unknown command "${name}" (try \`sheep --help\`)`);
  const { values, positionals } = parse(cmd, rest);
  if (values.help) {
    console.log(`${cmd.summary}\n\nusage: ${cmd.usage}`);
    return 0;
  }
  return cmd.run(values, positionals);
}

let code: number;
try {
  code = await main(process.argv.slice(2));
} catch (e) {
  const err = e as Error;
  console.error(`sheep: ${err.message.split("\n")[0]}`);
  if (process.env.SHEEP_DEBUG) console.error(err.stack);
  code = e instanceof UsageError ? 2 : 1;
}
release();
process.exit(code);
