// A labelled batch of small grey images as one safetensors file, so a browser can fetch a test
// batch (the demo's accuracy-against-ε curve) with the reader it already has: "images" U8
// [N, 1, H, W] (bytes, 0…255) and "labels" U8 [N]. The metadata says where the images are from.

import { SafetensorsReader, type SourceInput, writeSafetensors } from "@sheep/models";
import type { LabelledImages } from "./sweep.ts";

/** The file's bytes for images [N, 1, H, W] in [0, 1] (rounded to bytes) and their labels. */
export function labelledBatchFile(data: LabelledImages, metadata: Record<string, string>) {
  const [n, c, h, w] = data.shape;
  if (data.images.length !== n * c * h * w || data.labels.length !== n) {
    throw new Error(`labelled batch: ${n} images of ${c}×${h}×${w} need as many labels and pixels`);
  }
  const images = Uint8Array.from(data.images, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
  const labels = Uint8Array.from(data.labels);
  return writeSafetensors(
    {
      images: { dtype: "U8", shape: [n, c, h, w], data: images },
      labels: { dtype: "U8", shape: [n], data: labels },
    },
    metadata,
  );
}

/** Read a file labelledBatchFile wrote: images back in [0, 1], labels as int32. */
export async function readLabelledBatch(
  input: SourceInput,
): Promise<LabelledImages & { metadata: Record<string, string> }> {
  const reader = await SafetensorsReader.open(input);
  const [imagesEntry, labelsEntry] = [reader.entry("images"), reader.entry("labels")];
  const shape = imagesEntry.shape;
  if (imagesEntry.dtype !== "U8" || shape.length !== 4 || labelsEntry.dtype !== "U8") {
    throw new Error(
      `labelled batch: want U8 images [N, C, H, W] and U8 labels, got ${imagesEntry.dtype} ` +
        `[${shape}] and ${labelsEntry.dtype}`,
    );
  }
  if (labelsEntry.shape.length !== 1 || labelsEntry.shape[0] !== shape[0]) {
    throw new Error(`labelled batch: ${shape[0]} images but labels [${labelsEntry.shape}]`);
  }
  const bytes = await reader.bytes("images");
  return {
    images: Float32Array.from(bytes, (b) => b / 255),
    shape: [shape[0], shape[1], shape[2], shape[3]],
    labels: Int32Array.from(await reader.bytes("labels")),
    metadata: { ...reader.metadata },
  };
}
