// Finding WebGPU. In a browser: navigator.gpu. In Node: Dawn (the `webgpu` package), trying a
// real GPU first, then Mesa lavapipe, then SwiftShader — each a Vulkan driver chosen through
// VK_ICD_FILENAMES, which the Vulkan loader reads whenever Dawn creates an instance.

import { DeviceError } from "../../errors.ts";
import type { AdapterChoice, InitOptions } from "../../init.ts";
import type { BackendInfo, DeviceLimits } from "../backend.ts";
import { WebGPUBackend } from "./webgpu.ts";

const LIMIT_NAMES: (keyof DeviceLimits)[] = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBuffersPerShaderStage",
];
/** Requested at the adapter's maximum too, so kernels may rely on them. */
const EXTRA_LIMITS = [
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupSizeZ",
  "maxUniformBufferBindingSize",
];
const USEFUL_FEATURES = ["timestamp-query", "shader-f16", "subgroups"];

const LAVAPIPE_ICDS = [
  "/usr/share/vulkan/icd.d/lvp_icd.json",
  "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json",
  "/usr/share/vulkan/icd.d/lvp_icd.aarch64.json",
];
const SWIFTSHADER_ICDS = [
  "/usr/lib/chromium/vk_swiftshader_icd.json",
  "/usr/lib/chromium-browser/vk_swiftshader_icd.json",
];

const INSTALL_HINT =
  "No WebGPU adapter found. On Debian 12 install a Vulkan driver that runs on the CPU: " +
  "`apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1` (lavapipe; add " +
  "bookworm-backports to your apt sources first), or `apt-get install chromium` for SwiftShader. " +
  "With a GPU, install its Vulkan driver. Or run on the float64 reference: SHEEP_BACKEND=cpu.";

interface Found {
  adapter: GPUAdapter;
  label: string;
  source: string;
}

type NodeGpu = { create: (opts: string[]) => GPU; globals: Record<string, unknown> };

async function loadDawn(): Promise<NodeGpu> {
  try {
    // A variable specifier keeps bundlers from pulling the native addon into browser builds.
    const name = "webgpu";
    const mod = (await import(/* @vite-ignore */ name)) as NodeGpu;
    Object.assign(globalThis, mod.globals);
    return mod;
  } catch (e) {
    throw new DeviceError(
      `could not load Dawn (the npm package "webgpu"): ${(e as Error).message}. Run npm install.`,
    );
  }
}

async function existing(paths: string[]): Promise<string | null> {
  const fs = await import(/* @vite-ignore */ "node:fs");
  return paths.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * Every Dawn instance made, kept reachable for the life of the process: collecting one while
 * its event loop hook is still scheduled crashes Dawn (seen with webgpu 0.6.2 on lavapipe:
 * a null mutex in CallbackTaskManager::Flush).
 */
const instances: GPU[] = [];

/**
 * Dawn clamps two limits no kernel here uses (maxDynamic{Uniform,Storage}BuffersPerPipelineLayout)
 * while it lists adapters, and says so on stderr from native code ("Warning: … artificially
 * reduced from 1000000 to 16"), on every run: asking for fewer limits cannot avoid it, the clamp
 * happens before any device is requested (dawn/native/Limits.cpp, NormalizeLimits). So on
 * Linux, file descriptor 2 points at a temporary file while the adapter is found, and what
 * landed there is written back to stderr without those two lines (SHEEP_DEBUG keeps them).
 * Node has no dup2: closing fd 2 and opening a file gives the file fd 2, the lowest free one,
 * which holds only while fds 0 and 1 are open, so otherwise nothing is redirected; nor is a
 * socket (what Node's child_process gives as "pipe"), which cannot be reopened by path.
 */
async function withoutDawnLimitWarnings<T>(f: () => Promise<T>): Promise<T> {
  const env = (globalThis as { process: { env: Record<string, string | undefined> } }).process.env;
  const fs = await import(/* @vite-ignore */ "node:fs");
  const os = await import(/* @vite-ignore */ "node:os");
  const path = await import(/* @vite-ignore */ "node:path");
  const open = (fd: number) => {
    try {
      fs.fstatSync(fd);
      return true;
    } catch {
      return false;
    }
  };
  if (env.SHEEP_DEBUG || !fs.existsSync("/proc/self/fd/2") || !open(0) || !open(1)) return f();
  let saved: number;
  try {
    saved = fs.openSync("/proc/self/fd/2", "a");
  } catch {
    return f(); // a socket (a Node parent's "pipe") cannot be reopened by path: leave it be
  }
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sheep-dawn-")), "stderr.txt");
  fs.closeSync(2);
  fs.openSync(log, "w"); // fd 2
  try {
    return await f();
  } finally {
    fs.closeSync(2);
    fs.openSync(`/proc/self/fd/${saved}`, "a"); // fd 2 again, where it pointed before
    fs.closeSync(saved);
    const text = fs.readFileSync(log, "utf8");
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
    const kept = text
      .split("\n")
      .filter((l) => l && !/^Warning: maxDynamic\w+PerPipelineLayout artificially reduced/.test(l));
    if (kept.length) fs.writeSync(2, `${kept.join("\n")}\n`);
  }
}

/** Request an adapter from Dawn with VK_ICD_FILENAMES set to `icd` (or left alone). */
async function dawnAdapter(
  dawn: NodeGpu,
  icd: string | undefined,
  pp: GPUPowerPreference,
): Promise<GPUAdapter | null> {
  const env = (globalThis as { process: { env: Record<string, string | undefined> } }).process.env;
  const saved = env.VK_ICD_FILENAMES;
  if (icd) env.VK_ICD_FILENAMES = icd;
  try {
    const gpu = dawn.create([]);
    instances.push(gpu);
    return await withoutDawnLimitWarnings(() => gpu.requestAdapter({ powerPreference: pp }));
  } catch {
    return null;
  } finally {
    if (icd) {
      if (saved === undefined) delete env.VK_ICD_FILENAMES;
      else env.VK_ICD_FILENAMES = saved;
    }
  }
}

async function findNodeAdapter(choice: AdapterChoice, pp: GPUPowerPreference): Promise<Found> {
  const dawn = await loadDawn();
  const tried: string[] = [];
  const order: AdapterChoice[] = choice === "auto" ? ["gpu", "lavapipe", "swiftshader"] : [choice];
  let systemDefault: GPUAdapter | null = null;
  for (const kind of order) {
    if (kind === "gpu") {
      const a = await dawnAdapter(dawn, undefined, pp);
      if (a && !isFallback(a)) return { adapter: a, label: "gpu", source: "dawn.node" };
      systemDefault = a;
      tried.push(a ? `GPU (only a CPU adapter was found: ${a.info.description})` : "GPU (none)");
    } else if (systemDefault && adapterLabel(systemDefault, "") === kind) {
      // The system's default Vulkan driver already is the one we want: no second instance.
      return { adapter: systemDefault, label: kind, source: "dawn.node" };
    } else {
      const icd = await existing(kind === "lavapipe" ? LAVAPIPE_ICDS : SWIFTSHADER_ICDS);
      if (!icd) {
        tried.push(`${kind} (driver not installed)`);
        continue;
      }
      const a = await dawnAdapter(dawn, icd, pp);
      if (a) return { adapter: a, label: kind, source: `dawn.node via ${icd}` };
      tried.push(`${kind} (${icd} gave no adapter)`);
    }
  }
  throw new DeviceError(`${INSTALL_HINT} Tried: ${tried.join("; ")}.`);
}

function isFallback(a: GPUAdapter): boolean {
  const info = a.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return Boolean(
    info.isFallbackAdapter ?? (a as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
}

/** Name the adapter the way users know it. */
function adapterLabel(a: GPUAdapter, fallbackLabel: string): string {
  const d = `${a.info.description} ${a.info.device} ${a.info.architecture}`.toLowerCase();
  if (d.includes("llvmpipe")) return "lavapipe";
  if (d.includes("swiftshader")) return "swiftshader";
  return isFallback(a) ? fallbackLabel : "gpu";
}

export async function createWebGPUBackend(
  opts: InitOptions & { adapter: AdapterChoice },
): Promise<WebGPUBackend> {
  const pp = opts.powerPreference ?? "high-performance";
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  let found: Found;
  if (nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter({ powerPreference: pp });
    if (!adapter) {
      throw new DeviceError(
        "This browser exposes WebGPU but gave no adapter: enable hardware acceleration, or try Chrome/Edge 113+ with an up-to-date GPU driver.",
      );
    }
    found = { adapter, label: "browser", source: "navigator.gpu" };
  } else if (typeof (globalThis as { process?: unknown }).process !== "undefined") {
    found = await findNodeAdapter(opts.adapter, pp);
  } else {
    throw new DeviceError(
      "WebGPU is not available here: use Chrome or Edge 113+, Safari 26+, or Firefox 141+ (or Node with the `webgpu` package).",
    );
  }
  const { adapter } = found;
  const limits: Record<string, number> = {};
  for (const name of [...LIMIT_NAMES, ...EXTRA_LIMITS]) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === "number") limits[name] = v;
  }
  const features = USEFUL_FEATURES.filter((f) => adapter.features.has(f)) as GPUFeatureName[];
  const device = await adapter.requestDevice({
    label: "sheep",
    requiredLimits: limits,
    requiredFeatures: features,
  });
  const effective = Object.fromEntries(
    LIMIT_NAMES.map((n) => [
      n,
      Math.min(
        (device.limits as unknown as Record<string, number>)[n],
        opts.limits?.[n] ?? Number.POSITIVE_INFINITY,
      ),
    ]),
  ) as unknown as DeviceLimits;
  const info: BackendInfo = {
    backend: "webgpu",
    adapter:
      found.label === "browser"
        ? adapterLabel(adapter, "browser")
        : adapterLabel(adapter, found.label),
    vendor: adapter.info.vendor,
    architecture: adapter.info.architecture,
    device: adapter.info.device,
    description: adapter.info.description,
    isFallbackAdapter: isFallback(adapter),
    features,
    adapterFeatures: [...adapter.features].sort(),
    limits: effective,
    subgroupMinSize: (adapter.info as GPUAdapterInfo & { subgroupMinSize?: number })
      .subgroupMinSize,
    source: found.source,
  };
  return new WebGPUBackend(device, info);
}
