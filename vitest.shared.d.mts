import type { UserConfig } from "vitest/config";
export function sheepVitest(extra?: Record<string, unknown>): UserConfig;
