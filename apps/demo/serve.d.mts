// Types for serve.mjs (the tests start the same server `npm start` does).
export const DEFAULT_PORT: number;
export function startServer(options?: {
  dir?: string;
  port?: number;
  host?: string;
}): Promise<{ url: string; port: number; close: () => Promise<void> }>;
