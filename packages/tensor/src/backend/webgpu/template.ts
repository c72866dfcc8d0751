// Filling a shader's named template slots: {{name}}. Every slot must be filled and every value
// must land somewhere, so a typo is an error, not a silently broken kernel.

export function fillTemplate(
  source: string,
  slots: Record<string, string | number>,
  label: string,
): string {
  const used = new Set<string>();
  const out = source.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = slots[name];
    if (v === undefined) throw new Error(`${label}: template slot {{${name}}} was left unfilled`);
    used.add(name);
    return String(v);
  });
  for (const name of Object.keys(slots)) {
    if (!used.has(name)) throw new Error(`${label}: the shader has no slot {{${name}}}`);
  }
  return out;
}
