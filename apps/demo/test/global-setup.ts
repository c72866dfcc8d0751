// Build the app into dist/ and start the server `npm start` starts (serve.mjs), on a free port;
// every test file opens its pages from there.

import type { TestProject } from "vitest/node";
import { buildDemo } from "../build.mjs";
import { startServer } from "../serve.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    demoUrl: string;
  }
}

export default async function setup(project: TestProject) {
  await buildDemo();
  const server = await startServer({ port: 0 });
  project.provide("demoUrl", server.url);
  return () => server.close();
}
