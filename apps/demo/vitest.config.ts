import { defineConfig } from "vitest/config";
import { sheepVitest } from "../../vitest.shared.mjs";

export default defineConfig(sheepVitest());
