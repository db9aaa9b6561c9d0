/**
 * `npm run serve:web`: serves site/ (after `npm run build:web`) on
 * http://localhost:8080 (or the port given), with the cross-origin isolation
 * headers, so the WebAssembly kernel's shared memory works as it would on a
 * host configured with site/_headers. A plain static file server: GET and
 * HEAD of files under site/, nothing else.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ISOLATION_HEADERS } from './build-web.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
};

/**
 * Starts serving `root` on `port` (0: any free port); resolves once it
 * listens. `isolated: false` leaves out the cross-origin isolation headers,
 * as a host that cannot set headers would.
 */
export function serveSite(root: string, port: number, { isolated = true } = {}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      ...(isolated ? { 'Cross-Origin-Resource-Policy': 'same-origin', ...ISOLATION_HEADERS } : {}),
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('../site', import.meta.url));
  if (!existsSync(join(root, 'index.html'))) {
    process.stderr.write('site/ is not built: run npm run build:web first\n');
    process.exit(2);
  }
  const port = Number(process.argv[2] ?? 8080);
  await serveSite(root, port);
  process.stdout.write(`serving site/ on http://localhost:${port}/ (Ctrl+C stops)\n`);
}
