// A parser for protobuf's text format, the language of Caffe's .prototxt files (deploy nets,
// solvers). It knows no schema: it returns every field as written, and the net builder (net.ts)
// decides what the names mean.
//
// Hand-written on purpose: protobufjs (the well-kept npm protobuf library) reads .proto schemas
// and binary messages but has no text-format parser, and the grammar is small:
//
//   message := field*                          (fields may end in "," or ";")
//   field   := name ":" scalar                 pool: MAX   kernel_size: 3   top: "conv1"
//            | name ":"? "{" message "}"       convolution_param { … }   ("<" … ">" too)
//            | name ":" "[" scalar ("," scalar)* "]"     dim: [1, 3, 224, 224]
//   scalar  := number | identifier (enum or bool) | string+ (adjacent strings join)
//
// "#" starts a comment to the end of the line. Errors are one line with line:column, and the
// nesting depth is bounded so hostile input cannot overflow the stack.

/** A field's value: a number, a string (quoted), an identifier (enum/bool), or a message. */
export type PbValue = number | string | PbIdent | PbMessage;

/** An unquoted identifier: an enum value (`MAX`) or a bool (`true`). */
export class PbIdent {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class PrototxtError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`prototxt ${line}:${column}: ${detail}`);
    this.name = "PrototxtError";
  }
}

/** A parsed message: its fields in the order they were written, repeated fields kept in order. */
export class PbMessage {
  readonly fields: [string, PbValue][] = [];

  /** Every value of `name`, in order (a repeated field). */
  all(name: string): PbValue[] {
    return this.fields.filter(([n]) => n === name).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.fields.some(([n]) => n === name);
  }

  /** The last value of `name` (protobuf's rule for a non-repeated field written twice). */
  get(name: string): PbValue | undefined {
    for (let i = this.fields.length - 1; i >= 0; i--) {
      if (this.fields[i][0] === name) return this.fields[i][1];
    }
    return undefined;
  }

  /** A numeric field, or `fallback` when absent; throws naming the field if it is not a number. */
  num(name: string, fallback: number): number;
  num(name: string): number | undefined;
  num(name: string, fallback?: number): number | undefined {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (typeof v !== "number") throw new Error(`field "${name}" must be a number, got ${show(v)}`);
    return v;
  }

  /** Every value of a repeated numeric field. */
  nums(name: string): number[] {
    return this.all(name).map((v) => {
      if (typeof v !== "number") throw new Error(`field "${name}" must be numbers, got ${show(v)}`);
      return v;
    });
  }

  /** A string field (quoted), or `fallback` when absent. */
  str(name: string, fallback: string): string;
  str(name: string): string | undefined;
  str(name: string, fallback?: string): string | undefined {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (typeof v !== "string") throw new Error(`field "${name}" must be a string, got ${show(v)}`);
    return v;
  }

  /** Every value of a repeated string field. */
  strs(name: string): string[] {
    return this.all(name).map((v) => {
      if (typeof v !== "string") throw new Error(`field "${name}" must be strings, got ${show(v)}`);
      return v;
    });
  }

  /** An enum field as its name (`MAX`); a number is accepted too and returned as a string. */
  enumName(name: string, fallback: string): string {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (v instanceof PbIdent) return v.name;
    if (typeof v === "number" || typeof v === "string") return String(v);
    throw new Error(`field "${name}" must be an enum value, got a message`);
  }

  /** A bool field: true/false (any case, or t/f) or 1/0. */
  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const s = v instanceof PbIdent ? v.name.toLowerCase() : v;
    if (s === "true" || s === "t" || s === 1) return true;
    if (s === "false" || s === "f" || s === 0) return false;
    throw new Error(`field "${name}" must be true or false, got ${show(v)}`);
  }

  /** A sub-message, or undefined when absent. */
  msg(name: string): PbMessage | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    if (!(v instanceof PbMessage)) throw new Error(`field "${name}" must be a message { … }`);
    return v;
  }

  /** Every value of a repeated message field. */
  msgs(name: string): PbMessage[] {
    return this.all(name).map((v) => {
      if (!(v instanceof PbMessage)) throw new Error(`field "${name}" must be a message { … }`);
      return v;
    });
  }
}

function show(v: PbValue): string {
  if (v instanceof PbMessage) return "a message";
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

/** Nesting deeper than this is refused (Caffe files nest 3–4 levels). */
const MAX_DEPTH = 64;

type Tok =
  | { kind: "ident"; text: string; line: number; col: number }
  | { kind: "number"; value: number; text: string; line: number; col: number }
  | { kind: "string"; value: string; line: number; col: number }
  | { kind: "punct"; text: string; line: number; col: number }
  | { kind: "eof"; line: number; col: number };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
// Decimal/float with optional exponent and protobuf's optional f suffix; hex and octal ints.
const NUMBER = /-?(?:0[xX][0-9A-Fa-f]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fF]?)/y;
const SPECIAL = /-?(?:inf(?:inity)?|nan)\b/iy;

/** Split text into tokens, tracking line and column (both from 1) for messages. */
function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = () => i - lineStart + 1;
  const fail = (detail: string): never => {
    throw new PrototxtError(line, col(), detail);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") i++;
    else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === '"' || c === "'") {
      const start = { line, col: col() };
      toks.push({
        kind: "string",
        value: readString(text, i, c, fail, (end) => (i = end)),
        ...start,
      });
    } else if ("{}<>[]:,;".includes(c)) {
      toks.push({ kind: "punct", text: c, line, col: col() });
      i++;
    } else {
      const at = { line, col: col() };
      SPECIAL.lastIndex = i;
      const special = SPECIAL.exec(text);
      NUMBER.lastIndex = i;
      const num = special ? null : NUMBER.exec(text);
      IDENT.lastIndex = i;
      const id = special || num ? null : IDENT.exec(text);
      if (special) {
        const t = special[0].toLowerCase();
        const v = t.includes("nan") ? Number.NaN : t.startsWith("-") ? -Infinity : Infinity;
        toks.push({ kind: "number", value: v, text: special[0], ...at });
        i += special[0].length;
      } else if (num) {
        toks.push({ kind: "number", value: parseNumber(num[0]), text: num[0], ...at });
        i += num[0].length;
        if (/[A-Za-z0-9_.]/.test(text[i] ?? "")) {
          throw new PrototxtError(at.line, at.col, `malformed number "${num[0]}${text[i]}"`);
        }
      } else if (id) {
        toks.push({ kind: "ident", text: id[0], ...at });
        i += id[0].length;
      } else fail(`unexpected character ${JSON.stringify(c)}`);
    }
  }
  toks.push({ kind: "eof", line, col: col() });
  return toks;
}

function parseNumber(t: string): number {
  const neg = t.startsWith("-");
  const body = (neg ? t.slice(1) : t).replace(/[fF]$/, "");
  let v: number;
  if (/^0[xX]/.test(body)) v = Number.parseInt(body.slice(2), 16);
  else if (/^0[0-7]+$/.test(body)) v = Number.parseInt(body, 8);
  else v = Number(body);
  return neg ? -v : v;
}

/** A quoted string from `start` (the quote), with C escapes; `setEnd` receives the next index. */
function readString(
  text: string,
  start: number,
  quote: string,
  fail: (d: string) => never,
  setEnd: (end: number) => void,
): string {
  let out = "";
  let i = start + 1;
  const escapes: Record<string, string> = {
    n: "\n",
    t: "\t",
    r: "\r",
    a: "\x07",
    b: "\b",
    f: "\f",
    v: "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
  };
  for (;;) {
    if (i >= text.length || text[i] === "\n") fail("unterminated string");
    const c = text[i];
    if (c === quote) break;
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1] ?? "";
    if (e in escapes) {
      out += escapes[e];
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))![0];
      out += String.fromCharCode(Number.parseInt(m, 8));
      i += 1 + m.length;
    } else if (e === "x" && /[0-9A-Fa-f]/.test(text[i + 2] ?? "")) {
      const m = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 2, i + 4))![0];
      out += String.fromCharCode(Number.parseInt(m, 16));
      i += 2 + m.length;
    } else fail(`unknown escape "\\${e}" in a string`);
  }
  setEnd(i + 1);
  return out;
}

/** Parse protobuf text format into a message tree; throws PrototxtError (one line) if malformed. */
export function parsePrototxt(text: string): PbMessage {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const fail = (t: Tok, detail: string): never => {
    throw new PrototxtError(t.line, t.col, detail);
  };
  const describe = (t: Tok) =>
    t.kind === "eof"
      ? "the end of the file"
      : t.kind === "string"
        ? `the string ${JSON.stringify(t.value)}`
        : `"${t.text}"`;
  const isPunct = (t: Tok, s: string) => t.kind === "punct" && t.text === s;

  const scalar = (): PbValue => {
    const t = toks[p++];
    if (t.kind === "number") return t.value;
    if (t.kind === "ident") return new PbIdent(t.text);
    if (t.kind === "string") {
      let s = t.value;
      while (peek().kind === "string") s += (toks[p++] as { value: string }).value;
      return s;
    }
    return fail(t, `expected a value, got ${describe(t)}`);
  };

  const message = (close: string | null, depth: number): PbMessage => {
    if (depth > MAX_DEPTH) fail(peek(), `messages nested more than ${MAX_DEPTH} deep`);
    const m = new PbMessage();
    for (;;) {
      const t = peek();
      if (close === null ? t.kind === "eof" : isPunct(t, close)) {
        p++;
        return m;
      }
      if (t.kind === "eof") fail(t, `missing "${close}" before the end of the file`);
      if (t.kind !== "ident") fail(t, `expected a field name, got ${describe(t)}`);
      p++;
      const name = (t as { text: string }).text;
      const colon = isPunct(peek(), ":");
      if (colon) p++;
      const open = peek();
      if (isPunct(open, "{") || isPunct(open, "<")) {
        p++;
        m.fields.push([name, message(isPunct(open, "{") ? "}" : ">", depth + 1)]);
      } else if (!colon) {
        fail(open, `expected ":" or "{" after "${name}", got ${describe(open)}`);
      } else if (isPunct(open, "[")) {
        p++;
        if (isPunct(peek(), "]")) p++;
        else {
          for (;;) {
            m.fields.push([name, scalar()]);
            const sep = toks[p++];
            if (isPunct(sep, "]")) break;
            if (!isPunct(sep, ","))
              fail(sep, `expected "," or "]" in a list, got ${describe(sep)}`);
          }
        }
      } else m.fields.push([name, scalar()]);
      if (isPunct(peek(), ",") || isPunct(peek(), ";")) p++;
    }
  };
  return message(null, 0);
}
