// Named dream settings the CLI (--preset) and the demo (its Preset menu) share. A preset fixes
// the schedule — octaves, their scale, steps per octave, step size; the layers stay the
// network's own (or the user's). Flags and fields set by hand win over the preset.
// How these numbers were chosen, with the images compared: docs/dream/presets.md.

import type { DreamOptions } from "./dream.ts";

export type DreamPresetName = "gentle" | "classic" | "deep";

export type DreamSchedule = Required<
  Pick<DreamOptions, "octaves" | "octaveScale" | "steps" | "stepSize">
>;

export const DREAM_PRESETS: Readonly<Record<DreamPresetName, DreamSchedule & { about: string }>> = {
  gentle: {
    octaves: 3,
    octaveScale: 1.4,
    steps: 6,
    stepSize: 1,
    about: "a light touch: the photo stays, patterns show in its edges and textures",
  },
  classic: {
    octaves: 4,
    octaveScale: 1.4,
    steps: 10,
    stepSize: 1.5,
    about: "the original notebook's schedule: unmistakably DeepDream",
  },
  deep: {
    octaves: 5,
    octaveScale: 1.4,
    steps: 20,
    stepSize: 2,
    about: "more octaves and steps: the dream takes over the picture",
  },
};

/** The preset a dream uses when none is named. */
export const DEFAULT_DREAM_PRESET: DreamPresetName = "classic";

export const DREAM_PRESET_NAMES = Object.keys(DREAM_PRESETS) as DreamPresetName[];
