// Deprecation (RFC 9745), Sunset (RFC 8594) and a Link to the migration notes on every answer of a deprecated API
// version, problems included: it sits outside the error handler, so it sees the final response.
import type { Middleware } from 'koa';
import { versionOf, type ServedVersion } from '../api-versions.ts';

type Values = { deprecation: string; sunset: string | null; link: string };

/** The header values of one deprecation. */
export function deprecationHeaderValues(deprecation: { deprecatedAt: Date; sunsetAt: Date | null; link: string }): Values {
  return {
    // RFC 9745: a structured-field Date, `@` and Unix seconds.
    deprecation: `@${Math.floor(deprecation.deprecatedAt.getTime() / 1000)}`,
    // RFC 8594: an HTTP-date (IMF-fixdate).
    sunset: deprecation.sunsetAt === null ? null : deprecation.sunsetAt.toUTCString(),
    link: `<${deprecation.link}>; rel="deprecation"; type="text/html"`,
  };
}

/** Adds the headers to every answer under a deprecated version's base path. */
export function deprecationHeaders(versions: readonly ServedVersion[]): Middleware {
  const values = new Map<string, Values>();
  for (const { version, deprecation } of versions) if (deprecation !== null) values.set(version, deprecationHeaderValues(deprecation));
  return async (ctx, next) => {
    await next();
    const version = versionOf(versions, ctx.path);
    const headers = version === undefined ? undefined : values.get(version.version);
    if (headers === undefined) return;
    ctx.set('Deprecation', headers.deprecation);
    if (headers.sunset !== null) ctx.set('Sunset', headers.sunset);
    // Appended to a Link already there, never replacing it.
    const existing: unknown = ctx.response.get('Link');
    const links = (Array.isArray(existing) ? existing : [existing]).filter((v): v is string => typeof v === 'string' && v !== '');
    ctx.set('Link', [...links, headers.link].join(', '));
  };
}
