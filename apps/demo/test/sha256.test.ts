// The incremental SHA-256 the browser download uses, against node:crypto: empty input, the
// padding edge cases around 55/56/64 bytes, and one message fed in uneven chunks.

import { createHash } from "node:crypto";
import { expect, test } from "vitest";
import { Sha256 } from "../src/models/sha256.ts";

const reference = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

test.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 1000])("%i bytes in one update", (n) => {
  const h = new Sha256();
  h.update(bytes(n));
  expect(h.digest()).toBe(reference(bytes(n)));
});

test("chunks of uneven sizes give the digest of the whole", () => {
  const all = bytes(100_003);
  const h = new Sha256();
  for (let at = 0, k = 1; at < all.length; at += k, k = 1 + ((k * 7 + 3) % 5000)) {
    h.update(all.subarray(at, at + k));
  }
  expect(h.digest()).toBe(reference(all));
});
