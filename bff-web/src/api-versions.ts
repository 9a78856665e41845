// The registry of API majors this server serves side by side: each one is a folder (src/v1/, src/v2/, …) with its
// own routes and presenters over the same domain, served under /api/<version>. app.ts lists them explicitly.
import type { Router } from '@koa/router';
import type { AppState } from './auth.ts';
import type { ApiDeprecation } from './config.ts';

/** One major of the web API: its name (`v1`) and the router of its folder (paths under `/api/<version>`). */
export type ApiVersion = { version: string; router: Router<AppState> };

/** A registered version, checked, with its base path and its deprecation (from API_DEPRECATIONS), if any. */
export type ServedVersion = ApiVersion & { basePath: string; deprecation: ApiDeprecation | null };

/** Where a version is served: `/api/v1`. */
export function apiBasePath(version: string): string {
  return `/api/${version}`;
}

/** Whether `path` is the base path itself or below it. */
export function isUnder(path: string, basePath: string): boolean {
  return path === basePath || path.startsWith(`${basePath}/`);
}

/**
 * Checks the registry (names like v1, each once, every route under its version's base path) and joins each version
 * with its deprecation; a deprecation naming a version this server does not serve is a configuration error.
 */
export function serveVersions(versions: ApiVersion[], deprecations: ApiDeprecation[]): ServedVersion[] {
  const names = new Set<string>();
  const served = versions.map(({ version, router }) => {
    if (!/^v[0-9]+$/.test(version)) throw new Error(`API version "${version}" must be named v<major>`);
    if (names.has(version)) throw new Error(`API version ${version} is registered twice`);
    names.add(version);
    const basePath = apiBasePath(version);
    const stray = router.stack.find((layer) => typeof layer.path !== 'string' || !isUnder(layer.path, basePath));
    if (stray) throw new Error(`API version ${version}: route ${String(stray.path)} is not under ${basePath}`);
    return { version, router, basePath, deprecation: deprecations.find((d) => d.version === version) ?? null };
  });
  for (const { version } of deprecations) {
    if (!names.has(version)) {
      throw new Error(`API_DEPRECATIONS: ${version} is not served here (served: ${[...names].join(', ') || 'none'})`);
    }
  }
  return served;
}
