// The GPU device's life in the app: start the engine, notice when the device is lost (a driver
// reset, a tab in the background for too long, or the debug hook below), open a new one with
// init() and say so. Canvases are 2D, so the last result stays on screen throughout.

import { type BackendInfo, engine, init } from "@sheep/tensor";

export type DeviceEvent =
  | { kind: "lost"; reason: string }
  | { kind: "recovered"; info: BackendInfo }
  | { kind: "failed"; error: unknown };

const listeners = new Set<(e: DeviceEvent) => void>();
let info: BackendInfo | null = null;
let recovering: Promise<BackendInfo> | null = null;
/** Devices lost so far: a job that saw this change lost its device, whatever it threw. */
let losses = 0;

export function lossCount(): number {
  return losses;
}

export function onDevice(f: (e: DeviceEvent) => void): void {
  listeners.add(f);
}

function emit(e: DeviceEvent): void {
  for (const f of listeners) f(e);
}

/** Recover whenever the engine reports a lost device (engine.onLost ignores replaced ones). */
let watching = false;
function watch(): void {
  if (watching) return;
  watching = true;
  engine.onLost((reason) => {
    void recover(reason).catch(() => {});
  });
}

/** Open the device (init() finds navigator.gpu and requests the adapter's real limits). */
export async function startEngine(): Promise<BackendInfo> {
  info = await init({ backend: "webgpu" });
  watch();
  return info;
}

export function deviceInfo(): BackendInfo {
  if (!info) throw new Error("the engine has not started");
  return info;
}

/** True while the device is lost or being replaced. */
export function deviceLost(): boolean {
  return recovering !== null || !engine.has("webgpu");
}

/** Open a new device after a loss (one recovery at a time; callers share it). */
export function recover(reason: string): Promise<BackendInfo> {
  recovering ??= (async () => {
    losses++;
    emit({ kind: "lost", reason });
    try {
      // A fresh device: the old one's buffers, pipelines and tensors are gone with it.
      info = await init({ backend: "webgpu", fresh: true });
      emit({ kind: "recovered", info });
      return info;
    } catch (error) {
      emit({ kind: "failed", error });
      throw error;
    } finally {
      recovering = null;
    }
  })();
  return recovering;
}

/**
 * Give a lost device time to say so: a failed readback can reach a job before the device's
 * `lost` promise has resolved, and the job should blame the device, not itself.
 */
export async function settleDevice(ms = 200): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Wait for a recovery in progress, or start one if the device is gone. */
export async function ensureDevice(): Promise<BackendInfo> {
  if (recovering) return recovering;
  if (!engine.has("webgpu")) return recover("the device stopped working");
  return deviceInfo();
}

/** Debug hook (window.__sheepDemo.loseDevice): lose the device as a driver reset would. */
export function loseDevice(): void {
  engine.simulateDeviceLoss();
}
