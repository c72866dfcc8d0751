// A small strict JSON parser for safetensors headers. JSON.parse is not enough: it silently
// keeps the last of two duplicate keys (the format forbids duplicates, and a file that means
// one thing to us and another to PyTorch is an attack), and it turns 1e400 or 1.0 into numbers
// that look like valid sizes. This parser keeps every number's text, rejects duplicate keys and
// bounds the nesting depth, so no input can exhaust the stack.

import { fail } from "./errors.ts";

export type JsonValue =
  | { kind: "object"; entries: Map<string, JsonValue> }
  | { kind: "array"; items: JsonValue[] }
  | { kind: "string"; value: string }
  /** `text` is the number as written; `integer` says it has no fraction and no exponent. */
  | { kind: "number"; text: string; value: number; integer: boolean }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" };

/** A header needs depth 3 (header → tensor → shape); anything much deeper is hostile. */
const MAX_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Parses `text` as one JSON value surrounded by optional whitespace. */
export function parseJson(text: string): JsonValue {
  const p = new Parser(text);
  p.skipSpace();
  const value = p.value(0);
  p.skipSpace();
  if (p.pos !== text.length) p.error("unexpected text after the JSON value");
  return value;
}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  error(what: string): never {
    const near = JSON.stringify(this.text.slice(this.pos, this.pos + 20));
    fail("INVALID_JSON", `header is not valid JSON: ${what} at character ${this.pos} (${near})`);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      // JSON whitespace is exactly these four: space, tab, line feed, carriage return.
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.error(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return { kind: "string", value: this.string() };
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of [
      ["true", { kind: "boolean", value: true }],
      ["false", { kind: "boolean", value: false }],
      ["null", { kind: "null" }],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    this.error(c === undefined ? "unexpected end" : "unexpected character");
  }

  object(depth: number): JsonValue {
    const entries = new Map<string, JsonValue>();
    this.pos++; // {
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return { kind: "object", entries };
    }
    for (;;) {
      if (this.text[this.pos] !== '"') this.error("expected a string key");
      const keyAt = this.pos;
      const key = this.string();
      if (entries.has(key)) {
        fail("DUPLICATE_KEY", `header has the key "${key}" twice (second at character ${keyAt})`);
      }
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.error("expected ':'");
      this.pos++;
      this.skipSpace();
      entries.set(key, this.value(depth + 1));
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep !== "," && sep !== "}") this.error("expected ',' or '}'");
      this.pos++;
      if (sep === "}") return { kind: "object", entries };
      this.skipSpace();
    }
  }

  array(depth: number): JsonValue {
    const items: JsonValue[] = [];
    this.pos++; // [
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return { kind: "array", items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep !== "," && sep !== "]") this.error("expected ',' or ']'");
      this.pos++;
      if (sep === "]") return { kind: "array", items };
      this.skipSpace();
    }
  }

  number(): JsonValue {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) this.error("malformed number");
    this.pos += m[0].length;
    const integer = m[1] === undefined && m[2] === undefined;
    return { kind: "number", text: m[0], value: Number(m[0]), integer };
  }

  /** Reads a string starting at the opening quote; copies runs of plain characters at once. */
  string(): string {
    const t = this.text;
    let out = "";
    let run = ++this.pos;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(run, this.pos++);
        return out;
      }
      if (c < 0x20) this.error("control character inside a string");
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(run, this.pos);
      const e = t[this.pos + 1];
      if (e === "u") {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.error("bad \\u escape");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e];
        this.pos += 2;
      } else {
        this.error("bad escape");
      }
      run = this.pos;
    }
    this.error("unterminated string");
  }
}
