// The xy game: simultaneous GD spirals out exactly as its closed form says, alternating GD
// cycles on a conserved ellipse, extragradient / optimistic GD / consensus converge.

import { describe, expect, it } from "vitest";
import { altInvariant, egRate, gdRadius, XY_METHODS, xyField, xyGame } from "../src/index.ts";

describe("xy game", () => {
  it("simultaneous GD grows as r0·(1 + η²)^(t/2)", () => {
    for (const lr of [0.01, 0.1, 0.3]) {
      const r = xyGame({ method: "gd", lr, steps: 200, start: [0.6, -0.8] });
      for (const t of [1, 10, 200]) {
        expect(r.radius[t] / gdRadius(1, lr, t)).toBeCloseTo(1, 10);
      }
      expect(r.radius[200]).toBeGreaterThan(r.radius[0]);
    }
  });

  it("extragradient shrinks at its closed-form rate; optimistic GD and consensus converge", () => {
    const eg = xyGame({ method: "eg", lr: 0.2, steps: 500 });
    expect(eg.radius[500] / (Math.SQRT2 * egRate(0.2) ** 500)).toBeCloseTo(1, 8);
    expect(eg.radius[500]).toBeLessThan(1e-3 * eg.radius[0]);
    const ogd = xyGame({ method: "ogd", lr: 0.2, steps: 500 });
    expect(ogd.radius[500]).toBeLessThan(1e-3 * ogd.radius[0]);
    const con = xyGame({ method: "consensus", lr: 0.1, steps: 500 });
    expect(con.radius[500]).toBeLessThan(1e-6);
    const mom = xyGame({ method: "momentum", lr: 0.2, steps: 2000, beta: -0.5 });
    expect(mom.radius[2000]).toBeLessThan(1e-3);
  });

  it("alternating GD stays bounded on the ellipse x² + y² − ηxy = const", () => {
    const lr = 0.3;
    const r = xyGame({ method: "alt", lr, steps: 5000 });
    const q0 = altInvariant(r.path[0], lr);
    for (const p of r.path) expect(altInvariant(p, lr)).toBeCloseTo(q0, 9);
    // The ellipse Q = q0 lies between radii √(q0/(1 + η/2)) and √(q0/(1 − η/2)).
    const rMax = Math.sqrt(q0 / (1 - lr / 2));
    const rMin = Math.sqrt(q0 / (1 + lr / 2));
    expect(Math.max(...r.radius)).toBeLessThanOrEqual(rMax + 1e-9);
    expect(Math.min(...r.radius)).toBeGreaterThanOrEqual(rMin - 1e-9);
  });

  it("gives the vector field and rejects bad input in one line", () => {
    const f = xyField(3, 1);
    expect(f).toHaveLength(9);
    expect(f[0]).toEqual({ x: -1, y: 1, dx: -1, dy: -1 });
    expect(XY_METHODS).toContain("consensus");
    expect(() => xyGame({ method: "sgd" as never, lr: 0.1, steps: 1 })).toThrow(/method "sgd"/);
    expect(() => xyGame({ method: "gd", lr: -1, steps: 1 })).toThrow(/lr -1/);
    expect(() => xyGame({ method: "gd", lr: 0.1, steps: 1.5 })).toThrow(/steps 1.5/);
  });
});
