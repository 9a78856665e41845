// Deprecation (RFC 9745), Sunset (RFC 8594) and a Link to the migration notes on every answer of a deprecated API
// version, errors included: it sits outside the error handler, so it sees the final response.
import type { Middleware } from 'koa';
import { isUnder, type ServedVersion } from './api-versions.ts';

type Headers = { basePath: string; deprecation: string; sunset: string | null; link: string };

/** The header values of one deprecation, computed once. */
export function deprecationHeaderValues(deprecation: { deprecatedAt: Date; sunsetAt: Date | null; link: string }) {
  return {
    // RFC 9745: a structured-field Date, i.e. `@` and Unix seconds.
    deprecation: `@${Math.floor(deprecation.deprecatedAt.getTime() / 1000)}`,
    // RFC 8594: an HTTP-date (IMF-fixdate).
    sunset: deprecation.sunsetAt === null ? null : deprecation.sunsetAt.toUTCString(),
    link: `<${deprecation.link}>; rel="deprecation"; type="text/html"`,
  };
}

/** Adds the deprecation headers to every answer under a deprecated version's base path. */
export function deprecationHeaders(versions: ServedVersion[]): Middleware {
  const deprecated: Headers[] = versions.flatMap(({ basePath, deprecation }) =>
    deprecation === null ? [] : [{ basePath, ...deprecationHeaderValues(deprecation) }],
  );
  return async (ctx, next) => {
    await next();
    const match = deprecated.find(({ basePath }) => isUnder(ctx.path, basePath));
    if (match === undefined) return;
    ctx.set('Deprecation', match.deprecation);
    if (match.sunset !== null) ctx.set('Sunset', match.sunset);
    // Appended to any Link already there (the pagination links of a page), never replacing it.
    const existing: unknown = ctx.response.get('Link');
    const links = (Array.isArray(existing) ? existing : [existing]).filter((value): value is string => typeof value === 'string' && value !== '');
    ctx.set('Link', [...links, match.link].join(', '));
  };
}
