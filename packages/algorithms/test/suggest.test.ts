// "Did you mean": edit distance against hand-worked values, and the suggestions and grouped
// lists that layer and class errors show.

import { expect, test } from "vitest";
import { closest, didYouMean, editDistance, groupedNames } from "../src/common/suggest.ts";

test("edit distance: insertions, deletions, substitutions, counted by hand", () => {
  expect(editDistance("", "abc")).toBe(3);
  expect(editDistance("kitten", "sitting")).toBe(3); // k→s, e→i, +g
  expect(editDistance("layr2.3", "layer2.3")).toBe(1);
  expect(editDistance("flaw", "lawn")).toBe(2);
  expect(editDistance("same", "same")).toBe(0);
});

test("closest: typos find their name, unrelated words find nothing", () => {
  const taps = ["layer1.0", "layer2.3", "layer3.2", "block4_conv3"];
  expect(closest("layr2.3", taps)).toBe("layer2.3");
  expect(closest("BLOCK4_CONV3", taps)).toBe("block4_conv3");
  expect(closest("zebra", taps)).toBeNull();
  expect(didYouMean("block4conv3", taps)).toBe(' (did you mean "block4_conv3"?)');
  expect(didYouMean("zebra", taps)).toBe("");
});

test("grouped names list every name under its stem", () => {
  const names = ["conv1", "layer1.0", "layer1.1", "inception_4c/output", "inception_4c/1x1"];
  expect(groupedNames(names)).toBe(
    "conv1 · layer1: layer1.0, layer1.1 · inception_4c: inception_4c/output, inception_4c/1x1",
  );
  const many = Array.from({ length: 40 }, (_, i) => `block${i >> 2}_conv${i % 4}`);
  for (const n of many) expect(groupedNames(many)).toContain(n);
});
