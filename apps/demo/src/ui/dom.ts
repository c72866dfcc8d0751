// A dozen lines instead of a framework: h() builds an element from a tag, properties and
// children, so each page reads as the tree it renders.

type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

/**
 * h("button", { class: "primary", onclick: run }, "Dream"). Keys starting with "on" add
 * listeners; "class" sets className; "dataset" merges data-* attributes; keys the element has as
 * a property (value, disabled, checked…) are set as properties, anything else as attributes.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value as EventListener);
    } else if (key === "class") el.className = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el) (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children.flat());
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "number" ? String(c) : c);
  }
}

/** Replace an element's children. */
export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children.flat());
}

/** A labelled form row: <label><span>text</span>control</label>, with an optional hint. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h(
    "label",
    { class: "field" },
    h("span", null, label),
    control,
    hint && h("small", null, hint),
  );
}

export function numberInput(value: number, min: number, max: number, step = 1): HTMLInputElement {
  return h("input", { type: "number", value: String(value), min, max, step });
}

/** A field's value that cannot be used: the message names the field, the value and the range. */
export class FormError extends Error {}

/**
 * A number input's value, checked against its min/max and step (integers when the step is):
 * out of range is an error that says so, never silently clamped.
 */
export function checkedNumber(input: HTMLInputElement, label: string): number {
  const v = Number(input.value);
  const [min, max] = [Number(input.min || -Infinity), Number(input.max || Infinity)];
  const int = Number.isInteger(Number(input.step || 1));
  const ok = input.value.trim() !== "" && Number.isFinite(v) && v >= min && v <= max;
  if (ok && (!int || Number.isInteger(v))) {
    input.removeAttribute("aria-invalid");
    return v;
  }
  input.setAttribute("aria-invalid", "true");
  throw new FormError(
    `${label} must be ${int ? "a whole number" : "a number"} from ${min} to ${max}, got ` +
      `"${input.value}"`,
  );
}

/** A number input's value, clamped to its min/max; its default when empty or not a number. */
export function readNumber(input: HTMLInputElement, fallback: number): number {
  const v = Number(input.value);
  if (input.value === "" || !Number.isFinite(v)) return fallback;
  return Math.min(Number(input.max || v), Math.max(Number(input.min || v), v));
}

export function select(options: [string, string][], value?: string): HTMLSelectElement {
  const s = h("select", null, ...options.map(([v, text]) => h("option", { value: v }, text)));
  if (value !== undefined) s.value = value;
  return s;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 1) return "<1 s";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Numbers people read at a glance: 1.2 k, 3.4 M, 5.6 G. */
export function fmtCount(n: number): string {
  if (n < 1e3) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} M`;
  return `${(n / 1e9).toFixed(2)} G`;
}

/** The page's query parameters (settings for links and tests: ?size=48&steps=2…). */
export const params = new URLSearchParams(location.search);

export function paramNumber(name: string, fallback: number): number {
  const v = Number(params.get(name));
  return params.has(name) && Number.isFinite(v) ? v : fallback;
}
