// Named dream settings the CLI (--preset) and the demo (its Preset menu) share. A preset fixes
// the schedule — octaves, their scale, steps per octave, step size, how the gradient is
// normalised; the layers stay the network's own (GoogLeNet: inception_4c/output) or the user's.
// Flags and fields set by hand win over the preset. The original notebook's recipe (10 steps of
// 1.5 on the gradient divided by its mean |g|) sits between "gentle" and "classic": on photos
// of a few hundred pixels it stayed too faint to be the default (docs/dream/presets.md).
// How these numbers were chosen, with the images compared: docs/dream/presets.md.

import type { DreamOptions } from "./dream.ts";

export type DreamPresetName = "gentle" | "classic" | "deep";

export type DreamSchedule = Required<
  Pick<DreamOptions, "octaves" | "octaveScale" | "steps" | "stepSize" | "normalize">
>;

export const DREAM_PRESETS: Readonly<Record<DreamPresetName, DreamSchedule & { about: string }>> = {
  gentle: {
    octaves: 4,
    octaveScale: 1.4,
    steps: 10,
    stepSize: 1.5,
    normalize: "std",
    about: "a light touch: the photo stays, eyes and patterns show in its textures",
  },
  classic: {
    octaves: 4,
    octaveScale: 1.4,
    steps: 20,
    stepSize: 2.5,
    normalize: "std",
    about: "unmistakably DeepDream: eyes, fur and dog faces grow out of the picture",
  },
  deep: {
    octaves: 4,
    octaveScale: 1.4,
    steps: 20,
    stepSize: 2.5,
    normalize: "meanAbs",
    about: "the dream takes over the picture",
  },
};

/** The preset a dream uses when none is named. */
export const DEFAULT_DREAM_PRESET: DreamPresetName = "classic";

export const DREAM_PRESET_NAMES = Object.keys(DREAM_PRESETS) as DreamPresetName[];
