// The demo's static server: dist/ on 127.0.0.1 (WebGPU needs a secure context, and localhost is
// one), port $PORT or 5173, or a free port when that one is taken. Byte ranges are served, so a
// browser can read a big weights file piece by piece.
//   node serve.mjs            (after node build.mjs; `npm start` does both)

import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { pathToFileURL } from "node:url";

const here = new URL(".", import.meta.url).pathname;
export const DEFAULT_PORT = 5173;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".safetensors": "application/octet-stream",
};

/** `bytes=A-B`, `bytes=A-` or `bytes=-N` → [start, end] inclusive, or null when unsatisfiable. */
function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start = m[1] === "" ? size - Number(m[2]) : Number(m[1]);
  let end = m[1] === "" || m[2] === "" ? size - 1 : Number(m[2]);
  start = Math.max(0, start);
  end = Math.min(end, size - 1);
  return start <= end ? [start, end] : null;
}

function handler(dir) {
  const root = normalize(dir + sep);
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = join(root, path);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`not found: ${path}`);
      return;
    }
    const size = statSync(file).size;
    const headers = {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "accept-ranges": "bytes",
      // The app and its weights change with every build: always revalidate.
      "cache-control": "no-cache",
    };
    const range = req.headers.range ? parseRange(req.headers.range, size) : undefined;
    if (range === null) {
      res.writeHead(416, { ...headers, "content-range": `bytes */${size}` }).end();
      return;
    }
    const [start, end] = range ?? [0, size - 1];
    const status = range ? 206 : 200;
    if (range) headers["content-range"] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, { ...headers, "content-length": Math.max(0, end - start + 1) });
    if (req.method === "HEAD" || size === 0) res.end();
    else createReadStream(file, { start, end }).pipe(res);
  };
}

/** Listen on `port`; if it is taken, on a free one. Resolves to the bound port. */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (e) => {
      server.off("listening", onListening);
      if (e.code === "EADDRINUSE" && port !== 0) {
        resolve(listen(server, 0, host));
      } else reject(e);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve(server.address().port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

/**
 * Serve `dir` (default dist/) on 127.0.0.1. Resolves to { url, port, close }. The tests start
 * the same server this file starts for `npm start`.
 */
export async function startServer({ dir = join(here, "dist"), port, host = "127.0.0.1" } = {}) {
  if (!existsSync(join(dir, "index.html"))) {
    throw new Error(
      `${dir} holds no built app: run \`npm start\` (it builds first) or \`node build.mjs\``,
    );
  }
  const server = createServer(handler(dir));
  const wanted = port ?? (process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT);
  const bound = await listen(server, wanted, host);
  return {
    url: `http://${host}:${bound}/`,
    port: bound,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { url, port } = await startServer();
    const wanted = process.env.PORT ?? String(DEFAULT_PORT);
    if (String(port) !== wanted) console.log(`port ${wanted} is taken; using ${port}`);
    console.log(`Electric Sheep demo: ${url}  (Ctrl+C to stop)`);
  } catch (e) {
    console.error(`sheep demo: ${e.message}`);
    process.exit(1);
  }
}
