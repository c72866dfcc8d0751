// A tour of the engine: one tensor from creation, through the op table and the WGSL it becomes,
// to dispatch, readback and backward. Run it with `npm run tour` (SHEEP_BACKEND=cpu for the
// oracle). Every stage prints what the engine holds at that moment.

import { engine, formatExpr, init, release, table, tensor } from "./src/index.ts";

const say = (title: string, body = "") =>
  console.log(`\n── ${title} ${"─".repeat(Math.max(0, 70 - title.length))}\n${body}`);

const info = await init();
say(
  "1. init()",
  `backend ${info.backend}, adapter ${info.adapter} (${info.description})\nfeatures: ${info.features.join(", ") || "none"}`,
);

// 2. A tensor is a handle: shape, dtype, and an expression. Fresh from data, that expression
//    is a single leaf: a contiguous view of one storage (a GPU buffer).
const x = tensor(
  [
    [1, 2, 3],
    [4, 5, 6],
  ],
  { requiresGrad: true },
);
say("2. tensor([[1, 2, 3], [4, 5, 6]])", `${x}\nexpression: ${formatExpr(x.expr)}`);

// 3. Elementwise ops do not run: each builds one node of a tree. The op table says how.
const y = x.mul(2).add(1).sigmoid();
const entry = table.sigmoid;
say(
  "3. y = sigmoid(x * 2 + 1) — nothing has run yet",
  `${y}\nexpression: ${formatExpr(y.expr)}\n\nop table entry "sigmoid": kind ${entry.kind}` +
    (entry.kind === "elementwise" ? `, WGSL "${entry.wgsl}"` : "") +
    `\n  its VJP: ${Array.isArray(entry.vjp) ? entry.vjp[0]?.toString() : entry.vjp}`,
);

// 4. A reduction needs memory, so the tree is compiled into one kernel and fused into the
//    reduction's reads. engine.trace() shows the dispatches and their generated WGSL.
let s = x;
const records = await engine.trace(() => {
  s = y.sum(1);
  return s;
});
for (const r of records) {
  say(
    `4. dispatch: ${r.kernel}`,
    `op ${r.op}; workgroups ${r.workgroups.join("×")}; ≥${r.bytes} bytes, ${r.flops} FLOPs; ` +
      `GPU time ${r.timeMs === null ? "n/a" : `${(r.timeMs * 1000).toFixed(1)} µs (${r.timing})`}` +
      `\n\n${r.wgsl
        .split("\n")
        .filter((l) => !l.startsWith("//"))
        .join("\n")
        .trim()}`,
  );
}

// 5. Readback is the one await: it flushes the recorded work in a single submit and maps.
say(
  "5. await s.data()",
  `[${Array.from(await s.data())
    .map((v) => v.toFixed(4))
    .join(", ")}]`,
);

// 6. Backward walks the recorded graph; each op's VJP is itself made of ops (and fuses).
const backward = await engine.trace(() => {
  s.sum().backward();
  return x.grad!;
});
say(
  "6. s.sum().backward()",
  `dispatches: ${backward.map((r) => r.kernel).join(", ")}\n` +
    `x.grad = [${Array.from(await x.grad!.data())
      .map((v) => v.toFixed(4))
      .join(", ")}]  (2·σ'(2x+1))`,
);

// 7. Lifetimes: what is alive now, and what the pool keeps for reuse.
say("7. engine.memory()", JSON.stringify(engine.memory()));
release();
