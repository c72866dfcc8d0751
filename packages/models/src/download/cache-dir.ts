// Where downloaded weights live: $SHEEP_CACHE_DIR if set, else $XDG_CACHE_HOME/electric-sheep
// (the XDG base-directory convention), else ~/.cache/electric-sheep.

import { homedir } from "node:os";
import { join } from "node:path";

export function cacheDir(
  env: Record<string, string | undefined> = process.env,
  home: () => string = homedir,
): string {
  if (env.SHEEP_CACHE_DIR) return env.SHEEP_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "electric-sheep");
  return join(home(), ".cache", "electric-sheep");
}
