import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { Logger } from '@switchboard/telemetry';
import { respond, watchAborted } from './respond';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that a URL path names, or undefined when the path is not one we serve:
 * undecodable, with a NUL, a `..` segment, a hidden (dot) segment, or resolving outside the root.
 * A path ending in `/` names its index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return undefined;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const segments = relative.split(/[/\\]+/).filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return undefined;
  const base = path.resolve(root);
  const full = path.resolve(base, ...segments);
  const inside = path.relative(base, full);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  return full;
}

/** GET/HEAD handler for the demo page folder; everything else is 404. Symlinks leading outside the folder are refused. */
export function createStaticHandler(root: string, logger: Logger): (res: HttpResponse, req: HttpRequest) => void {
  const realRoot = realpath(root).catch(() => path.resolve(root));
  return (res, req) => {
    const method = req.getMethod();
    const file = resolveStaticPath(root, req.getUrl());
    if ((method !== 'get' && method !== 'head') || file === undefined) {
      respond(res, '404 Not Found', { code: 'not_found', message: 'no such page' });
      return;
    }
    const state = watchAborted(res);
    void (async () => {
      let body: Buffer;
      try {
        const [real, base] = await Promise.all([realpath(file), realRoot]);
        if (!real.startsWith(base + path.sep)) throw new Error('outside the static folder');
        body = await readFile(real);
      } catch (err) {
        if (!state.aborted) respond(res, '404 Not Found', { code: 'not_found', message: 'no such page' });
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.debug('static file refused', { err });
        return;
      }
      if (state.aborted) return;
      res.cork(() => {
        res.writeStatus('200 OK').writeHeader('content-type', contentTypeFor(file)).writeHeader('cache-control', 'no-cache').writeHeader('x-content-type-options', 'nosniff');
        if (method === 'head') res.endWithoutBody(body.length);
        else res.end(body);
      });
    })();
  };
}
