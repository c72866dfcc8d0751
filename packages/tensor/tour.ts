// A tour of the engine: one tensor from creation, through the op table and the WGSL it becomes,
// to a Launch with its Params, one submit, readback, backward and tidy, ending with nothing
// alive. Run it with `npm run tour` (SHEEP_BACKEND=cpu for the float64 oracle, which records no
// dispatches). Every stage prints what the engine holds at that moment.

import {
  type DispatchRecord,
  engine,
  formatExpr,
  init,
  release,
  type Tensor,
  table,
  tensor,
  tidy,
} from "./src/index.ts";

const say = (title: string, body = "") =>
  console.log(`\n── ${title} ${"─".repeat(Math.max(0, 70 - title.length))}\n${body}`);

const info = await init();
say(
  "1. init()",
  `backend ${info.backend}, adapter ${info.adapter} (${info.description})\nfeatures: ${info.features.join(", ") || "none"}`,
);
const backend = engine.backend();
/** Command buffers submitted so far (the cpu oracle has none to count). */
const submits = () => backend.submits ?? 0;

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

// 3. Elementwise ops do not run: each builds one node of a tree. Their op-table entries are one
//    WGSL expression and one VJP, side by side. tidy() disposes every handle made inside it but
//    the one returned: x·2, +1, and the constants 2 and 1 (rank-0 tensors without memory).
const y = tidy(() => x.mul(2).add(1).sigmoid());
const sigmoid = table.sigmoid;
say(
  "3. y = sigmoid(x * 2 + 1) — nothing has run yet",
  `${y}\nexpression: ${formatExpr(y.expr)}\n\nop table entry "sigmoid": kind ${sigmoid.kind}` +
    (sigmoid.kind === "elementwise" ? `, WGSL "${sigmoid.wgsl}"` : "") +
    `\n  its VJP: ${Array.isArray(sigmoid.vjp) ? sigmoid.vjp[0]?.toString() : sigmoid.vjp}`,
);

// 4. A routine's entry: a shape rule, a forward that hands a backend routine its arguments,
//    and the VJP written with other ops.
const sum = table.sum;
if (sum.kind === "routine") {
  say(
    '4. op table entry "sum" (a routine)',
    `shape:   ${sum.shape.toString().split("\n")[0]} …\nforward: ${sum.forward.toString()}\n` +
      `vjp:     ${Array.isArray(sum.vjp) ? sum.vjp[0]?.toString() : sum.vjp}`,
  );
}

/**
 * The kernel's own header comment (after the prelude every expression-reading kernel starts
 * with): what it computes and which thread computes what.
 */
function header(wgsl: string): string {
  const lines = wgsl.split("\n");
  const start = lines.findLastIndex((l) => /^\/\/ [\w-]+\.wgsl\b/.test(l));
  const end = lines.findIndex((l, i) => i > start && !l.startsWith("//"));
  return lines.slice(Math.max(start, 0), end).join("\n");
}

const showLaunch = (r: DispatchRecord) =>
  `kernel ${r.kernel}, entry point ${r.entry ?? "?"}, workgroups ${r.workgroups.join("×")}\n` +
  `Params ${JSON.stringify(r.params ?? {})}\n` +
  `≥${r.bytes} bytes, ${r.flops} FLOPs; GPU time ${
    r.timeMs === null ? "n/a" : `${(r.timeMs * 1000).toFixed(1)} µs (${r.timing})`
  }`;

// 5. A reduction needs memory, so y's tree is compiled into the reduction's reads. The planner
//    returns a Launch: which shader, which entry point, the Params by name (packed into the
//    uniform struct the WGSL declares) and the grid. engine.trace() shows each one.
let s: Tensor = x;
const forward = await engine.trace(() => {
  s = y.sum(1);
  return s;
});
for (const [i, r] of forward.entries()) {
  say(
    `5.${i + 1} dispatch ${r.kernel} (op ${r.op})`,
    `${showLaunch(r)}\n\nthe shader's header:\n${header(r.wgsl)}`,
  );
}

// 6. Kernels are only recorded; the one await of a step (the readback) submits all of them in
//    a single command buffer and maps the result.
const before = submits();
const total = tidy(() => y.mul(x).sum()); // tidy frees y·x, keeps the sum it returns
const value = await total.item();
say(
  "6. await tidy(() => y.mul(x).sum()).item()",
  `${value.toFixed(4)} — ${submits() - before} submit for the whole step` +
    `\nand s = y.sum(1) = [${Array.from(await s.data())
      .map((v) => v.toFixed(4))
      .join(", ")}]`,
);
total.dispose();

// 7. A training step: forward and backward inside one tidy(), which frees everything but the
//    loss it returns (x.grad is kept: it belongs to x). Backward walks the recorded graph; each
//    op's VJP is itself made of ops, which fuse like any others.
const beforeBackward = { submits: submits(), tensors: engine.memory().tensors };
let loss: Tensor = s;
const backward = await engine.trace(() => {
  loss = tidy(() => {
    const l = x.mul(2).add(1).sigmoid().sum();
    l.backward();
    return l;
  });
  return loss;
});
say(
  "7. tidy(() => { loss = sigmoid(x * 2 + 1).sum(); loss.backward() })",
  `${backward.map(showLaunch).join("\n\n")}\n\n` +
    `x.grad = [${Array.from(await x.grad!.data())
      .map((v) => v.toFixed(4))
      .join(
        ", ",
      )}]  (2·σ'(2x+1)); ${submits() - beforeBackward.submits} submit(s) (the trace's flush, the readback); ` +
    `live tensors ${beforeBackward.tensors} → ${engine.memory().tensors} (the loss and x.grad)`,
);

// 8. Lifetimes: dispose what is left, then nothing may be alive.
for (const t of [x.grad!, x, y, s, loss]) t.dispose();
const left = engine.memory();
say("8. after dispose()", JSON.stringify(left));
release();
if (left.tensors !== 0) {
  console.error(`tour: ${left.tensors} tensor(s) still alive at the end`);
  process.exit(1);
}
