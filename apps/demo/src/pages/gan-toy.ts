// The GAN lab page: two toy GANs trained side by side on the same seed, live on WebGPU — real
// (green) vs generated (pink) samples over D's output as a heat map, G's image of a latent grid,
// D's gradient arrows at samples, loss and mode-coverage curves — with presets that reproduce
// mode collapse (Metz et al. 2017) and its fixes, and the xy explorer below.

import {
  discriminatorArrows,
  discriminatorMap,
  drawnData,
  GAN_LOSSES,
  type GanLoss,
  generatorGrid,
  rng,
  TOY_DATA,
  type ToyDataName,
  ToyGan,
  type ToyGanConfig,
  type ToyRecord,
  toyData,
} from "@sheep/algorithms";
import { describe as describeError, showError } from "../ui/banner.ts";
import { field, h, numberInput, paramNumber, params, readNumber, select } from "../ui/dom.ts";
import { drawArrows, drawCurves, drawHeat, drawMesh, drawPoints } from "./gan-draw.ts";
import { xyExplorer } from "./gan-xy.ts";

interface Side {
  loss: GanLoss;
  unroll: number;
  dSteps: number;
}

interface Preset {
  label: string;
  data: ToyDataName;
  std: number;
  a: Side;
  b: Side;
}

// The lab's figures in one click each. σ = 0.1 keeps the ring's modes wide enough to cover in a
// few hundred steps on a laptop GPU; Metz et al. used σ = 0.02 over tens of thousands of steps.
const PRESETS: Record<string, Preset> = {
  collapse: {
    label: "Mode collapse vs WGAN-GP (ring of 8)",
    data: "ring8",
    std: 0.1,
    a: { loss: "ns", unroll: 0, dSteps: 1 },
    b: { loss: "wgan-gp", unroll: 0, dSteps: 5 },
  },
  unrolled: {
    label: "Non-saturating vs unrolled D (5 steps)",
    data: "ring8",
    std: 0.1,
    a: { loss: "ns", unroll: 0, dSteps: 1 },
    b: { loss: "ns", unroll: 5, dSteps: 1 },
  },
  saturating: {
    label: "Minimax (saturating) vs non-saturating",
    data: "ring8",
    std: 0.1,
    a: { loss: "minimax", unroll: 0, dSteps: 1 },
    b: { loss: "ns", unroll: 0, dSteps: 1 },
  },
  grid: {
    label: "Grid of 25: non-saturating vs WGAN-GP",
    data: "grid25",
    std: 0.1,
    a: { loss: "ns", unroll: 0, dSteps: 1 },
    b: { loss: "wgan-gp", unroll: 0, dSteps: 5 },
  },
};

const SIZE = 300;

/** One side of the comparison: a trainer, its canvases and its record. */
class Lane {
  gan: ToyGan | null = null;
  records: ToyRecord[] = [];
  /** Real points drawn once, so every frame shows the same target. */
  real: Float32Array = new Float32Array();
  // data-filled: result canvases stay hidden until their first picture (style.css).
  readonly plane = h("canvas", {
    width: SIZE,
    height: SIZE,
    class: "result",
    dataset: { filled: "" },
    style: `width:${SIZE}px`,
  });
  readonly curves = h("canvas", {
    width: SIZE,
    height: 110,
    class: "result",
    dataset: { filled: "" },
    style: `width:${SIZE}px`,
  });
  readonly title = h("h3", null);
  readonly el: HTMLElement;

  constructor(readonly id: string) {
    this.plane.id = `gan-${id}-plane`;
    this.curves.id = `gan-${id}-curves`;
    this.el = h("div", { class: "output", id: `gan-${id}` }, this.title, this.plane, this.curves);
  }

  reset(config: ConstructorParameters<typeof ToyGan>[0]): void {
    this.gan?.dispose();
    this.gan = new ToyGan(config);
    this.records = [];
    this.real = this.gan.data.sample(512, rng(7));
    const c = this.gan.config;
    this.title.textContent =
      `${this.id.toUpperCase()}: ${c.loss}` +
      (c.unroll ? `, unrolled ×${c.unroll}` : "") +
      (c.dSteps > 1 ? `, ${c.dSteps} D steps` : "");
  }

  /** Read the state back and draw it (a handful of small readbacks). */
  async draw(): Promise<ToyRecord> {
    const gan = this.gan!;
    const r = await gan.metrics();
    this.records.push(r);
    const v = { size: SIZE, extent: gan.data.extent };
    const ctx = this.plane.getContext("2d")!;
    drawHeat(ctx, v, 32, await discriminatorMap(gan, 32));
    if (gan.config.zDim === 2) drawMesh(ctx, v, 12, await generatorGrid(gan, 12));
    drawPoints(ctx, v, this.real, "#2ec27e");
    const fake = await gan.samples(256);
    drawPoints(ctx, v, fake, "#ff4fa3");
    const few = fake.slice(0, 64);
    drawArrows(ctx, v, few, await discriminatorArrows(gan, few));
    const modes = gan.data.modes.length;
    drawCurves(this.curves.getContext("2d")!, [
      { label: "D loss", colour: "#4cc9f0", values: this.records.map((x) => x.dLoss) },
      { label: "G loss", colour: "#ffd166", values: this.records.map((x) => x.gLoss) },
      ...(modes
        ? [
            {
              label: "modes",
              colour: "#06d6a0",
              values: this.records.map((x) => x.covered),
              range: [0, modes] as [number, number],
            },
          ]
        : []),
    ]);
    return r;
  }
}

export function ganPage(): HTMLElement {
  const preset = select(
    Object.entries(PRESETS).map(([k, p]) => [k, p.label]),
    params.get("ganpreset") ?? "collapse",
  );
  const data = select([
    ...TOY_DATA.map((d): [string, string] => [d, d]),
    ["drawn", "drawn: click on plane A"],
  ]);
  // Points the user draws: clicks on plane A while nothing trains (extent 3, like the ring).
  const drawn: [number, number][] = [];
  const std = numberInput(0.1, 0.01, 1, 0.01);
  const losses = GAN_LOSSES.map((l): [string, string] => [l, l]);
  const lossA = select(losses);
  const lossB = select(losses);
  const unrollA = numberInput(0, 0, 16);
  const unrollB = numberInput(0, 0, 16);
  const dStepsA = numberInput(1, 1, 10);
  const dStepsB = numberInput(1, 1, 10);
  const lr = numberInput(1e-3, 1e-5, 0.1, 1e-4);
  const seed = numberInput(1, 0, 1e6);
  const perFrame = numberInput(paramNumber("ganframe", 10), 1, 200);
  const maxSteps = paramNumber("ganmax", 0); // tests: stop after this many steps
  const status = h("div", { id: "gan-status", class: "progress", role: "status" }, "ready");
  const run = h("button", { id: "gan-run", class: "primary" }, "Train");
  const stop = h("button", { id: "gan-stop" }, "Stop");
  const lanes = [new Lane("a"), new Lane("b")];
  const showDrawn = () => {
    const ctx = lanes[0].plane.getContext("2d")!;
    ctx.fillStyle = "#111522";
    ctx.fillRect(0, 0, SIZE, SIZE);
    drawPoints(ctx, { size: SIZE, extent: 3 }, Float32Array.from(drawn.flat()), "#2ec27e", 4);
  };
  lanes[0].plane.addEventListener("click", (e) => {
    if (running || data.value !== "drawn") return;
    const r = lanes[0].plane.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * 6 - 3;
    const y = 3 - ((e.clientY - r.top) / r.height) * 6;
    drawn.push([Math.max(-2.4, Math.min(2.4, x)), Math.max(-2.4, Math.min(2.4, y))]);
    showDrawn();
  });
  data.addEventListener("change", () => {
    if (data.value === "drawn") showDrawn();
  });
  let running = false;

  const applyPreset = () => {
    const p = PRESETS[preset.value];
    data.value = p.data;
    std.value = String(p.std);
    [lossA.value, unrollA.value, dStepsA.value] = [
      p.a.loss,
      String(p.a.unroll),
      String(p.a.dSteps),
    ];
    [lossB.value, unrollB.value, dStepsB.value] = [
      p.b.loss,
      String(p.b.unroll),
      String(p.b.dSteps),
    ];
  };
  preset.addEventListener("change", applyPreset);
  applyPreset();

  const configs = (): ConstructorParameters<typeof ToyGan>[0][] => {
    const sigma = readNumber(std, 0.1);
    const target =
      data.value === "drawn"
        ? drawnData(drawn, sigma)
        : toyData(data.value as ToyDataName, { std: sigma });
    const eta = readNumber(lr, 1e-3);
    const common: Partial<ToyGanConfig> = {
      seed: readNumber(seed, 1),
      gOpt: { kind: "adam", lr: eta },
      dOpt: { kind: "adam", lr: eta },
    };
    return [
      [lossA, unrollA, dStepsA],
      [lossB, unrollB, dStepsB],
    ].map(([loss, unroll, dSteps]) => ({
      ...common,
      data: target,
      loss: (loss as HTMLSelectElement).value as GanLoss,
      unroll: readNumber(unroll as HTMLInputElement, 0),
      dSteps: readNumber(dSteps as HTMLInputElement, 1),
    }));
  };

  const loop = async () => {
    running = true;
    document.body.classList.add("busy");
    status.className = "progress";
    try {
      const cs = configs();
      for (const [i, lane] of lanes.entries()) lane.reset(cs[i]);
      for (const lane of lanes) await lane.draw();
      while (running) {
        const n = readNumber(perFrame, 10);
        for (const lane of lanes) for (let k = 0; k < n; k++) lane.gan!.step();
        const rs = [];
        for (const lane of lanes) rs.push(await lane.draw());
        const t = lanes[0].gan!.t;
        const modes = lanes[0].gan!.data.modes.length;
        status.textContent =
          `step ${t}` +
          (modes ? ` · modes A ${rs[0].covered}/${modes}, B ${rs[1].covered}/${modes}` : "");
        if (maxSteps > 0 && t >= maxSteps) break;
        await new Promise((r) => requestAnimationFrame(r));
      }
      status.classList.add("finished");
    } catch (e) {
      status.classList.add("failed");
      status.textContent = describeError(e);
      showError(describeError(e), "GAN lab");
    } finally {
      running = false;
      document.body.classList.remove("busy");
    }
  };
  run.addEventListener("click", () => {
    if (!running) void loop();
  });
  stop.addEventListener("click", () => {
    running = false;
  });

  return h(
    "div",
    { class: "page", id: "gan-page" },
    h(
      "section",
      { class: "controls" },
      h("h2", null, "GAN lab: why GANs are hard to train"),
      h(
        "p",
        null,
        "Two GANs learn the same 2-D target from the same seed. Green: real samples; pink: " +
          "generated; background: the discriminator's output (light = real); white mesh: the " +
          "generator's image of a grid of latent points; yellow: ∇ₓD at samples. With the " +
          "non-saturating loss the generator hops from mode to mode; the fixes cover the ring.",
      ),
      h("div", { class: "row" }, field("preset", preset), field("data", data), field("σ", std)),
      h(
        "div",
        { class: "row" },
        field("A loss", lossA),
        field("A unroll", unrollA),
        field("A D steps", dStepsA),
        field("B loss", lossB),
        field("B unroll", unrollB),
        field("B D steps", dStepsB),
      ),
      h(
        "div",
        { class: "row" },
        field("Adam lr", lr),
        field("seed", seed),
        field("steps per frame", perFrame),
        run,
        stop,
      ),
      status,
    ),
    h("div", { class: "row" }, ...lanes.map((l) => l.el)),
    xyExplorer(),
  );
}
