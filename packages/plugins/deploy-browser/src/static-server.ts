/**
 * A tiny static file server (node:http) for the generated page: GET/HEAD only, content types
 * by extension, the page's CSP also as a header, and no way out of the root folder (`..`,
 * encoded separators, NUL bytes and symlinks pointing outside are refused).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

/** Content types of the files a site holds. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * A started static server.
 *
 * @example
 * ```ts
 * const server = await serveStatic('deploy/browser/mnist', { port: 0 });
 * console.log(server.url); await server.close();
 * ```
 */
export interface StaticServer {
  readonly url: string;
  readonly port: number;
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * Serves `root` on `host:port` (default 127.0.0.1, port 0 = a free one). `headers` are added to
 * every answer (the deployer passes the page's CSP).
 *
 * @example
 * ```ts
 * const server = await serveStatic(dir, { port: 8080, headers: { 'Content-Security-Policy': csp } });
 * ```
 */
export async function serveStatic(
  root: string,
  options: { host?: string; port?: number; headers?: Readonly<Record<string, string>> } = {},
): Promise<StaticServer> {
  const realRoot = fs.realpathSync(root);
  const common = {
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    'Referrer-Policy': 'no-referrer',
    ...options.headers,
  };
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...common });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return reply(405, 'Method Not Allowed\n');
    }
    const file = resolveFile(realRoot, req.url ?? '/');
    if (!file) return reply(404, 'Not Found\n');
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const size = fs.statSync(file).size;
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': size, ...common });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}/`,
    port,
    get listening() {
      return server.listening;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The file a request path names under `root`, or `undefined` (missing, a folder without
 * index.html, or anything resolving outside `root`).
 *
 * @example
 * ```ts
 * resolveFile('/srv/site', '/model/model.json'); // '/srv/site/model/model.json'
 * resolveFile('/srv/site', '/../etc/passwd'); // undefined
 * ```
 */
export function resolveFile(root: string, url: string): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  let candidate = path.resolve(root, `.${pathname}`);
  if (!inside(root, candidate)) return undefined;
  try {
    if (fs.statSync(candidate).isDirectory()) candidate = path.join(candidate, 'index.html');
    // A symlink may point anywhere: judge where it really goes.
    const real = fs.realpathSync(candidate);
    return inside(root, real) && fs.statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}
