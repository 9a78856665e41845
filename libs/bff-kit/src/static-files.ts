// Sends files from a directory with Node's fs, with an ETag from size and modification time (304 when the client
// has it); a request path can never resolve outside that directory.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from 'koa';
import { matchesETag } from './http-caching.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

/** The content type for a file name (application/octet-stream when unknown). */
export function contentTypeOf(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The absolute file a URL path names under `root`, or null when it is malformed, names a dotfile, or would
 * leave `root` (`..`, encoded `%2e%2e%2f`, backslashes, NUL).
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  return file.startsWith(base + path.sep) ? file : null;
}

/** Sends a regular file with its type, cache policy and ETag (304 on a match); false when it is not there. */
export async function sendFile(ctx: Context, file: string, cacheControl: string): Promise<boolean> {
  let info;
  try {
    info = await stat(file);
  } catch {
    return false;
  }
  if (!info.isFile()) return false;
  ctx.status = 200;
  ctx.type = contentTypeOf(file);
  ctx.set('Cache-Control', cacheControl);
  // Weak: compression changes the bytes on the wire, not the file.
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  ctx.set('ETag', etag);
  ctx.lastModified = info.mtime;
  // Compared here rather than with ctx.fresh, which ignores If-None-Match when the request says no-cache (as fetch does).
  const ifNoneMatch = ctx.get('If-None-Match');
  if (ifNoneMatch !== '' && matchesETag(ifNoneMatch, etag)) {
    ctx.status = 304;
    return true;
  }
  // HEAD: Koa sends the headers only, so no stream is opened.
  if (ctx.method !== 'HEAD') ctx.body = createReadStream(file);
  ctx.length = info.size;
  return true;
}
