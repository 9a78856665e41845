// The registry of API majors a BFF serves side by side (each a folder src/v1/, src/v2/, … with its own routes and
// presenters over the same domain), and the Deprecation (RFC 9745), Sunset (RFC 8594) and Link headers of a
// deprecated one.
import type { Middleware } from 'koa';
import type { ApiDeprecation } from './settings.ts';

/** What the registry needs of a version's router (@koa/router's): the paths of its routes. */
export type VersionRouter = { stack: ReadonlyArray<{ path: unknown }> };

/** One major: its name (`v1`) and the router of its folder (every path under its base path). */
export type ApiVersion<R extends VersionRouter = VersionRouter> = { version: string; router: R };

/** A registered version, checked, with its base path and its deprecation (from API_DEPRECATIONS), if any. */
export type ServedVersion<R extends VersionRouter = VersionRouter> = ApiVersion<R> & {
  basePath: string;
  deprecation: ApiDeprecation | null;
};

/** Whether `path` is the base path or below it (`/v10` is not under `/v1`). */
export function isUnder(path: string, basePath: string): boolean {
  return path.startsWith(basePath) && (path.length === basePath.length || path[basePath.length] === '/');
}

/** The served version `path` belongs to, if any. */
export function versionOf<R extends VersionRouter>(
  versions: readonly ServedVersion<R>[],
  path: string,
): ServedVersion<R> | undefined {
  // A plain loop: this runs a few times per request.
  for (const version of versions) if (isUnder(path, version.basePath)) return version;
  return undefined;
}

/**
 * Checks the registry (names like v1, each once, every route under `basePathOf(version)`) and joins each version
 * with its deprecation; a deprecation naming a version not served here is a configuration error.
 */
export function serveVersions<R extends VersionRouter>(
  versions: ApiVersion<R>[],
  deprecations: ApiDeprecation[],
  basePathOf: (version: string) => string,
): ServedVersion<R>[] {
  const names = new Set<string>();
  const served = versions.map(({ version, router }) => {
    if (!/^v[0-9]+$/.test(version)) throw new Error(`API version ${JSON.stringify(version)} must be named v<major>`);
    if (names.has(version)) throw new Error(`API version ${version} is registered twice`);
    names.add(version);
    const basePath = basePathOf(version);
    const stray = router.stack.find((layer) => typeof layer.path !== 'string' || !isUnder(layer.path, basePath));
    if (stray) throw new Error(`API version ${version}: route ${String(stray.path)} is not under ${basePath}`);
    return { version, router, basePath, deprecation: deprecations.find((d) => d.version === version) ?? null };
  });
  for (const { version } of deprecations) {
    if (!names.has(version))
      throw new Error(`API_DEPRECATIONS: ${version} is not served here (served: ${[...names].join(', ') || 'none'})`);
  }
  return served;
}

type HeaderValues = { deprecation: string; sunset: string | null; link: string };

/** The header values of one deprecation. */
export function deprecationHeaderValues(deprecation: {
  deprecatedAt: Date;
  sunsetAt: Date | null;
  link: string;
}): HeaderValues {
  return {
    // RFC 9745: a structured-field Date, `@` and Unix seconds.
    deprecation: `@${Math.floor(deprecation.deprecatedAt.getTime() / 1000)}`,
    // RFC 8594: an HTTP-date (IMF-fixdate).
    sunset: deprecation.sunsetAt === null ? null : deprecation.sunsetAt.toUTCString(),
    link: `<${deprecation.link}>; rel="deprecation"; type="text/html"`,
  };
}

/** Adds the headers to every answer under a deprecated version's base path; place it outside the error handler. */
export function deprecationHeaders(versions: readonly ServedVersion[]): Middleware {
  const values = new Map<string, HeaderValues>();
  for (const { version, deprecation } of versions)
    if (deprecation !== null) values.set(version, deprecationHeaderValues(deprecation));
  // Nothing deprecated (the usual case): nothing to do after each answer.
  if (values.size === 0) return (_ctx, next) => next();
  return async (ctx, next) => {
    await next();
    const version = versionOf(versions, ctx.path);
    const headers = version === undefined ? undefined : values.get(version.version);
    if (headers === undefined) return;
    ctx.set('Deprecation', headers.deprecation);
    if (headers.sunset !== null) ctx.set('Sunset', headers.sunset);
    // Appended to a Link already there (the pagination links of a page), never replacing it.
    const existing: unknown = ctx.response.get('Link');
    const links = (Array.isArray(existing) ? existing : [existing]).filter(
      (v): v is string => typeof v === 'string' && v !== '',
    );
    ctx.set('Link', [...links, headers.link].join(', '));
  };
}
