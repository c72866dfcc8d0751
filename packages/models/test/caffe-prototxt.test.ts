// The protobuf text-format parser and the Caffe net description read from it: the syntax Caffe
// files use, every input dialect, legacy V1 `layers`, the two shipped deploy files, and
// malformed or fuzzed text giving one-line errors with line:column (never a hang or a crash).

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { caffeNetSpec } from "../src/caffe/net-spec.ts";
import { PbIdent, PbMessage, PrototxtError, parsePrototxt } from "../src/caffe/prototxt.ts";

const weights = new URL("../weights/", import.meta.url);
const googlenet = readFileSync(new URL("googlenet.deploy.prototxt", weights), "utf8");
const squeezenet = readFileSync(new URL("squeezenet.deploy.prototxt", weights), "utf8");

describe("parsePrototxt", () => {
  test("messages, repeated fields, strings, numbers, enums, bools and comments", () => {
    const m = parsePrototxt(`
      name: "net" # a comment
      layer {
        name: 'conv' type: "Convolution"
        bottom: "a" bottom: "b";
        convolution_param < num_output: 64, kernel_size: 3 kernel_size: 5 bias_term: false >
        weight: 1e-4 neg: -2.5 hex: 0x10 oct: 017 f: 1.5f big: inf small: -inf
        pool: MAX
        esc: "tab\\there \\"q\\" \\x41\\101" "joined"
        list: [1, 2, 3] empty: []
      }
      layer { name: "two" }
    `);
    expect(m.str("name")).toBe("net");
    const layers = m.msgs("layer");
    expect(layers).toHaveLength(2);
    const l = layers[0];
    expect(l.str("name")).toBe("conv");
    expect(l.strs("bottom")).toEqual(["a", "b"]);
    const p = l.msg("convolution_param")!;
    expect(p.num("num_output")).toBe(64);
    expect(p.nums("kernel_size")).toEqual([3, 5]);
    expect(p.bool("bias_term", true)).toBe(false);
    expect(l.num("weight")).toBe(1e-4);
    expect(l.num("neg")).toBe(-2.5);
    expect(l.num("hex")).toBe(16);
    expect(l.num("oct")).toBe(15);
    expect(l.num("f")).toBe(1.5);
    expect(l.num("big")).toBe(Infinity);
    expect(l.num("small")).toBe(-Infinity);
    expect(l.get("pool")).toBeInstanceOf(PbIdent);
    expect(l.enumName("pool", "")).toBe("MAX");
    expect(l.str("esc")).toBe('tab\there "q" AAjoined');
    expect(l.nums("list")).toEqual([1, 2, 3]);
    expect(l.has("empty")).toBe(false);
    expect(layers[1].str("name")).toBe("two");
  });

  test("typed getters name the field when the value has the wrong kind", () => {
    const m = parsePrototxt('a: "x" b: 3 c { }');
    expect(() => m.num("a")).toThrow('field "a" must be a number, got "x"');
    expect(() => m.str("b")).toThrow('field "b" must be a string, got 3');
    expect(() => m.msg("b")).toThrow('field "b" must be a message');
    expect(() => m.bool("b", false)).toThrow('field "b" must be true or false, got 3');
    expect(m.num("missing", 7)).toBe(7);
    expect(m.msg("c")).toBeInstanceOf(PbMessage);
  });

  const malformed: [string, string][] = [
    ['layer {\n  name: "x"\n', 'prototxt 3:1: missing "}" before the end of the file'],
    ['name: "abc\n', "prototxt 1:7: unterminated string"],
    ["layer {\n  kernel_size: 3x3\n}", 'prototxt 2:16: malformed number "3x"'],
    ["a: }", 'prototxt 1:4: expected a value, got "}"'],
    ["}", 'prototxt 1:1: expected a field name, got "}"'],
    ["a 3", 'prototxt 1:3: expected ":" or "{" after "a", got "3"'],
    ["a: [1 2]", 'prototxt 1:7: expected "," or "]" in a list, got "2"'],
    ['a: "\\q"', 'prototxt 1:4: unknown escape "\\q" in a string'],
    ["a: 1 @", 'prototxt 1:6: unexpected character "@"'],
    ['layer { name: "x" >', 'prototxt 1:19: expected a field name, got ">"'],
  ];
  test.each(malformed)("malformed %j → %s", (text, message) => {
    expect(() => parsePrototxt(text)).toThrow(message);
    try {
      parsePrototxt(text);
    } catch (e) {
      expect(e).toBeInstanceOf(PrototxtError);
    }
  });

  test("deep nesting is refused, not a stack overflow", () => {
    expect(() => parsePrototxt("a { ".repeat(10_000))).toThrow(/nested more than 64 deep/);
  });

  test("fuzzed deploy text: parses or fails with one line naming line:column", () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const noise = "{}<>[]:,;\"'#\n -.0123456789eExXaz_\\";
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      let text = googlenet.slice(0, 3000 + rand(4000));
      for (let k = rand(4); k >= 0; k--) {
        const at = rand(text.length);
        const op = rand(3);
        const c = noise[rand(noise.length)];
        text =
          op === 0
            ? text.slice(0, at) + c + text.slice(at)
            : op === 1
              ? text.slice(0, at) + text.slice(at + 1 + rand(20))
              : text.slice(0, at) + c + text.slice(at + 1);
      }
      try {
        caffeNetSpec(text);
      } catch (e) {
        failures++;
        const msg = (e as Error).message;
        expect(e instanceof TypeError || e instanceof RangeError, msg).toBe(false);
        expect(msg.includes("\n"), msg).toBe(false);
        if (e instanceof PrototxtError) expect(msg).toMatch(/^prototxt \d+:\d+: /);
      }
    }
    // Most mutations of a truncated file break it: the check above ran on many errors.
    expect(failures).toBeGreaterThan(100);
  });
});

describe("caffeNetSpec", () => {
  test("the shipped deploy files: an Input layer, then every layer in order", () => {
    const g = caffeNetSpec(googlenet);
    expect(g.name).toBe("GoogleNet");
    expect(g.inputs).toEqual([{ name: "data", shape: [10, 3, 224, 224] }]);
    expect(g.layers.length).toBe((googlenet.match(/^layer \{/gm) ?? []).length - 1);
    expect(g.layers[0]).toMatchObject({
      name: "conv1/7x7_s2",
      type: "Convolution",
      bottoms: ["data"],
      tops: ["conv1/7x7_s2"],
    });
    expect(g.layers.at(-1)).toMatchObject({ name: "prob", type: "Softmax" });
    const s = caffeNetSpec(squeezenet);
    expect(s.inputs).toEqual([{ name: "data", shape: [10, 3, 227, 227] }]);
    expect(s.layers.map((l) => l.type)).toContain("Concat");
  });

  test("legacy inputs: input + input_dim, input + input_shape", () => {
    const a = caffeNetSpec(
      'input: "data" input_dim: 1 input_dim: 3 input_dim: 8 input_dim: 9 layer { name: "r" type: "ReLU" bottom: "data" top: "data" }',
    );
    expect(a.inputs).toEqual([{ name: "data", shape: [1, 3, 8, 9] }]);
    const b = caffeNetSpec('input: "x" input_shape { dim: 2 dim: 4 dim: 5 dim: 5 }');
    expect(b.inputs).toEqual([{ name: "x", shape: [2, 4, 5, 5] }]);
  });

  test("legacy V1 `layers` with enum types, and TRAIN-only layers dropped", () => {
    const spec = caffeNetSpec(`
      input: "data" input_dim: 1 input_dim: 3 input_dim: 4 input_dim: 4
      layers { name: "c" type: CONVOLUTION bottom: "data" top: "c" }
      layers { name: "r" type: RELU bottom: "c" top: "c" }
      layers { name: "d" type: DROPOUT bottom: "c" top: "c" include { phase: TRAIN } }
      layers { name: "p" type: POOLING bottom: "c" top: "p" }
      layers { name: "i" type: INNER_PRODUCT bottom: "p" top: "i" }
    `);
    expect(spec.layers.map((l) => [l.name, l.type])).toEqual([
      ["c", "Convolution"],
      ["r", "ReLU"],
      ["p", "Pooling"],
      ["i", "InnerProduct"],
    ]);
    expect(() => caffeNetSpec('input: "d" layers { name: "x" type: WHATEVER }')).toThrow(
      'layer "x" has the unknown V1 layer type WHATEVER',
    );
  });

  test("a file without inputs, or mixing layer and layers, is refused by name", () => {
    expect(() => caffeNetSpec('layer { name: "a" type: "ReLU" }')).toThrow(/declares no input/);
    expect(() => caffeNetSpec('input: "d" layer { name: "a" } layers { name: "b" }')).toThrow(
      /mixes `layer \{ \}` and legacy `layers \{ \}`/,
    );
  });
});
