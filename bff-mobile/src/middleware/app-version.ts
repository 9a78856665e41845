// X-App-Version on /v1: malformed → 400, below the minimum → 426 upgrade_required naming the minimum.
import type { Middleware } from 'koa';
import { HttpProblem } from '@microblog/bff-kit';
import { compareVersions, parseVersion } from '../semver.ts';

/** Refuses apps older than `minVersion`; a request without the header is served (old clients, curl). */
export function appVersionGate(minVersion: string): Middleware {
  const min = parseVersion(minVersion);
  if (!min) throw new Error(`MIN_APP_VERSION ${JSON.stringify(minVersion)} is not a semantic version`);
  return (ctx, next) => {
    const raw = ctx.get('x-app-version');
    if (raw !== '') {
      const version = parseVersion(raw);
      if (!version) throw new HttpProblem(400, 'bad_request', 'X-App-Version must be a semantic version like 1.4.2');
      if (compareVersions(version, min) < 0) {
        throw new HttpProblem(
          426,
          'upgrade_required',
          `this app version is no longer supported; update to ${minVersion} or later`,
          {
            extra: { minVersion },
          },
        );
      }
    }
    return next();
  };
}
