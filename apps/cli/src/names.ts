// Names that depend on the network (layers, channels), checked as soon as the network is
// loaded and before any work starts, with the closest name and every valid one in the message.

import {
  checkTap,
  type DreamModel,
  type LoadedModel,
  type LoadModelOptions,
  loadDreamModel,
  profileModel,
} from "@sheep/algorithms/node";
import { UsageError } from "./args.ts";

/**
 * Load the network for `layers`. A VGG loader stops at an unknown tap with its own terse
 * message; then the network is loaded with its default layers so that checkTap can name the
 * closest layer and list them all.
 */
export async function loadForLayers(
  o: LoadModelOptions,
  layers: readonly string[],
): Promise<LoadedModel> {
  let loaded: LoadedModel;
  try {
    loaded = await loadDreamModel(o);
  } catch (e) {
    if (!/no tap "/.test((e as Error).message)) throw e;
    loaded = await loadDreamModel({ ...o, taps: undefined });
  }
  for (const layer of layers) {
    try {
      checkTap(loaded.model, layer);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return loaded;
}

/** Channels of a layer, from a probe pass at the smallest size the layer still sees. */
export function channelCount(model: DreamModel, layer: string): number {
  const side = Math.max(16, model.minSize?.([layer]) ?? 16);
  return profileModel(model, [layer], side).taps.get(layer)!.channels;
}

/** Every channel within the layer, or a message with the layer's valid range. */
export function checkChannels(
  model: DreamModel,
  layer: string,
  channels: readonly number[],
  flag: string,
  spec: string,
): void {
  const count = channelCount(model, layer);
  const bad = channels.filter((c) => c >= count);
  if (bad.length === 0) return;
  const which = bad.length === 1 ? `${bad[0]} is` : `${bad[0]}–${bad.at(-1)} are`;
  throw new UsageError(
    `--${flag} ${spec}: ${model.name}'s layer ${layer} has ${count} channels, 0–${count - 1}; ` +
      `${which} out of range`,
  );
}
