// `sheep embed SUBCOMMAND`: embeddings. This dispatcher holds only the search side (index,
// search, project; see embed-search.ts); the training side joins it when the branches merge.

import { type Command, UsageError } from "../args.ts";
import {
  EMBED_SEARCH_OPTIONS,
  EMBED_SEARCH_SUBCOMMANDS,
  EMBED_SEARCH_USAGE,
  type EmbedSearchSub,
  runEmbedSearch,
} from "./embed-search.ts";

export const embedCommand: Command = {
  name: "embed",
  summary: "embeddings: index a folder of pictures, search it, project it (PCA, t-SNE)",
  usage: EMBED_SEARCH_USAGE,
  options: { ...EMBED_SEARCH_OPTIONS },
  async run(v, [sub, ...rest]) {
    if (!sub) throw new UsageError("sheep embed needs a subcommand: index, search or project");
    if ((EMBED_SEARCH_SUBCOMMANDS as readonly string[]).includes(sub))
      return runEmbedSearch(sub as EmbedSearchSub, v, rest);
    throw new UsageError(`unknown embed subcommand "${sub}" (index, search or project)`);
  },
};
