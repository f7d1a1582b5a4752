/**
 * The pages a browser gets from the node's RPC port (docs/explorer.md): the block explorer at `/`,
 * `/block/<n>`, `/tx/<hash>`, `/address/<addr>` (one page that routes itself) and the playground at
 * `/playground`. They are single self-contained HTML files built by `npm run build`
 * (scripts/build-web.ts, into dist/web/) — no CDN, they work offline.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

const WEB_DIR = new URL('../../web/', import.meta.url);

const ROUTES: ReadonlyArray<[RegExp, string]> = [
  [/^\/(block\/[^/]+|tx\/[^/]+|address\/[^/]+)?$/, 'explorer.html'],
  [/^\/playground\/?$/, 'playground.html'],
];

const cache = new Map<string, Buffer>();

function page(file: string): Buffer | null {
  let b = cache.get(file);
  if (b === undefined) {
    try {
      b = readFileSync(new URL(file, WEB_DIR));
    } catch {
      return null;
    }
    cache.set(file, b);
  }
  return b;
}

/** Answers a GET for a page; false when the path is none of them (the caller answers). */
export function serveWeb(req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://node').pathname;
  const route = ROUTES.find(([re]) => re.test(path));
  if (!route) return false;
  const body = page(route[1]);
  if (body === null) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`the web pages are not built: run npm run build (${route[1]} missing)\n`);
    return true;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
