// A local HTTP server for download tests (node:http on 127.0.0.1, a free port): each test
// passes a handler that decides how to misbehave, and the server records every request's
// Range header so tests can check what the client asked for.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestServer {
  url: string;
  /** The Range header of each request so far (undefined where there was none). */
  ranges: (string | undefined)[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

export async function startServer(handler: Handler): Promise<TestServer> {
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    handler(req, res, ranges.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/model.safetensors`,
    ranges,
    close: () =>
      new Promise<void>((resolve) => {
        // Stalled tests leave sockets open; drop them so close() returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The start of a `bytes=N-` Range header (0 without one). */
export function rangeStart(req: IncomingMessage): number {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  return m ? Number(m[1]) : 0;
}

/** Serves `body` properly: 200 for the whole file, 206 for a Range, 416 past the end. */
export function serve(body: Uint8Array, req: IncomingMessage, res: ServerResponse): void {
  const start = rangeStart(req);
  if (req.headers.range && start >= body.length) {
    res.writeHead(416, { "Content-Range": `bytes */${body.length}` }).end();
    return;
  }
  const headers: Record<string, string | number> = { "Content-Length": body.length - start };
  if (req.headers.range)
    headers["Content-Range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
  res.writeHead(req.headers.range ? 206 : 200, headers);
  res.end(body.subarray(start));
}

/** A port with nothing listening on it: open one, note its number, close it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
