// The tensor package's layers, checked on every `npm test` (the package's lint script):
// imports go one way, down this list, and never round in a loop. Type-only imports are free
// (they vanish when compiled), so only what runs is checked.
//
//   index, methods, functions, init       the public surface; init picks a backend
//   nn/, optim/                           layers and optimisers, written with fn/
//   fn/                                   PyTorch-named functions that validate, then apply ops
//   autograd.ts                           the backward driver
//   ops/                                  the op table; entries call other ops via ops/call.ts
//   engine, tensor, create, scope, expr…  the core: handles, lifetimes, lazy expressions
//   backend/                              the backends, behind the interface of backend.ts
//
// conv/ gathers one op family across these layers so that it reads in one place; each of its
// files belongs to the layer it would sit in otherwise (conv/README.md):
//   conv/fn.ts → fn/, conv/op.ts and conv/geometry.ts → ops/, conv/routines.ts → backend/,
//   conv/cpu.ts → backend/cpu/, conv/webgpu/ → backend/webgpu/.
//
// A loop makes the result depend on which module loads first (issue 11: a half-built op table
// in an esbuild bundle, "Cannot access 'convOps' before initialization" in Node), which is why
// the first rule is the important one. test/layers.test.ts checks the same thing by loading.

const runtime = { dependencyTypesNot: ["type-only"] };
const above = (...paths) => ({ path: paths, ...runtime });
const CORE = "^src/(engine|tensor|create|scope|expr|shape|errors|dtype|debug|random|trace)\\.ts$";
const PUBLIC = "^src/(index|methods|functions|init)\\.ts$";
// The layers as path patterns, conv/'s files included where they belong.
const FN = "^src/(fn/|conv/fn\\.ts$)";
const OPS = "^src/(ops/|conv/(op|geometry)\\.ts$)";
const BACKEND = "^src/(backend/|conv/(routines|cpu)\\.ts$|conv/webgpu/)";
const BACKEND_IMPL = "^src/(backend/(webgpu|cpu)/|conv/cpu\\.ts$|conv/webgpu/)";

module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      comment: "A runtime import loop: its outcome depends on which module loads first.",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: runtime },
    },
    {
      name: "backend-below-core",
      comment: "A backend implements backend.ts; it never reaches up into engine, ops or fn.",
      severity: "error",
      from: { path: BACKEND },
      to: above(
        "^src/(engine|tensor|create|scope)\\.ts$",
        "^src/(ops|fn|nn|optim)/",
        FN,
        OPS,
        "^src/autograd\\.ts$",
        PUBLIC,
      ),
    },
    {
      name: "backends-only-from-init",
      comment: "Only init.ts picks a backend; everything else talks to backend.ts.",
      severity: "error",
      from: { pathNot: ["^src/init\\.ts$", BACKEND_IMPL] },
      to: above(BACKEND_IMPL),
    },
    {
      name: "core-below-ops",
      severity: "error",
      from: { path: CORE },
      to: above("^src/(ops|fn|nn|optim)/", FN, OPS, "^src/autograd\\.ts$", PUBLIC),
    },
    {
      name: "ops-below-autograd",
      comment: "Op entries write VJPs with ops/call.ts, not with fn/ or the public barrel.",
      severity: "error",
      from: { path: OPS },
      to: above("^src/(fn|nn|optim)/", FN, "^src/autograd\\.ts$", PUBLIC),
    },
    {
      name: "entries-call-through-call",
      comment: "apply.ts imports the table, the table the entries: entries use ops/call.ts.",
      severity: "error",
      from: { path: OPS, pathNot: "^src/ops/(apply|table)\\.ts$" },
      to: above("^src/ops/(apply|table)\\.ts$"),
    },
    {
      name: "autograd-below-fn",
      severity: "error",
      from: { path: "^src/autograd\\.ts$" },
      to: above("^src/(fn|nn|optim)/", FN, PUBLIC),
    },
    {
      name: "fn-below-nn",
      severity: "error",
      from: { path: FN },
      to: above("^src/(nn|optim)/", PUBLIC),
    },
    {
      name: "nn-optim-below-public",
      comment: "Inside the package, import the module that defines a thing, never the barrel.",
      severity: "error",
      from: { path: "^src/(nn|optim)/" },
      to: above(PUBLIC),
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
  },
};
