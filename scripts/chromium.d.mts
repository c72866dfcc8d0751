import type { Server } from "node:http";
import type { Browser } from "puppeteer";
export function chromiumPath(): string;
export function chromiumArgs(mode?: "swiftshader" | "gpu" | "off"): string[];
export function launchChromium(mode?: "swiftshader" | "gpu" | "off"): Promise<Browser>;
export function serveDir(
  dir: string,
  port?: number,
): Promise<{ url: string; close: () => Promise<void>; server: Server }>;
