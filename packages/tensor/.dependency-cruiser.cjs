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
// A loop makes the result depend on which module loads first (issue 11: a half-built op table
// in an esbuild bundle, "Cannot access 'convOps' before initialization" in Node), which is why
// the first rule is the important one. test/layers.test.ts checks the same thing by loading.

const runtime = { dependencyTypesNot: ["type-only"] };
const above = (...paths) => ({ path: paths, ...runtime });
const CORE = "^src/(engine|tensor|create|scope|expr|shape|errors|dtype|debug|random|trace)\\.ts$";
const PUBLIC = "^src/(index|methods|functions|init)\\.ts$";

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
      from: { path: "^src/backend/" },
      to: above(
        "^src/(engine|tensor|create|scope)\\.ts$",
        "^src/(ops|fn|nn|optim)/",
        "^src/autograd\\.ts$",
        PUBLIC,
      ),
    },
    {
      name: "backends-only-from-init",
      comment: "Only init.ts picks a backend; everything else talks to backend.ts.",
      severity: "error",
      from: { pathNot: ["^src/init\\.ts$", "^src/backend/(webgpu|cpu)/"] },
      to: above("^src/backend/(webgpu|cpu)/"),
    },
    {
      name: "core-below-ops",
      severity: "error",
      from: { path: CORE },
      to: above("^src/(ops|fn|nn|optim)/", "^src/autograd\\.ts$", PUBLIC),
    },
    {
      name: "ops-below-autograd",
      comment: "Op entries write VJPs with ops/call.ts, not with fn/ or the public barrel.",
      severity: "error",
      from: { path: "^src/ops/" },
      to: above("^src/(fn|nn|optim)/", "^src/autograd\\.ts$", PUBLIC),
    },
    {
      name: "entries-call-through-call",
      comment: "apply.ts imports the table, the table the entries: entries use ops/call.ts.",
      severity: "error",
      from: { path: "^src/ops/", pathNot: "^src/ops/(apply|table)\\.ts$" },
      to: above("^src/ops/(apply|table)\\.ts$"),
    },
    {
      name: "autograd-below-fn",
      severity: "error",
      from: { path: "^src/autograd\\.ts$" },
      to: above("^src/(fn|nn|optim)/", PUBLIC),
    },
    {
      name: "fn-below-nn",
      severity: "error",
      from: { path: "^src/fn/" },
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
