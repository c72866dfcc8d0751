// Loading VGG weights from a file in Node: only the byte ranges of the tensors the requested
// taps need are read (fc1's 392 MiB stays on disk unless the classifier is used).

import { openFileSource } from "../safetensors/node.ts";
import { type LoadVggOptions, loadVgg } from "./load.ts";
import type { Vgg } from "./model.ts";

export async function loadVggFile(path: string, opts: LoadVggOptions = {}): Promise<Vgg> {
  const source = await openFileSource(path);
  try {
    return await loadVgg(source, opts);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    await source.close();
  }
}
