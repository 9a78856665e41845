// The X-App-Version mix per API version: requests counted in memory per (API version, app version) over a window,
// logged as one JSON line per API version when the window closes, so the app team sees when v1 traffic is low enough
// to sunset. Bounded: at most `maxVersions` distinct app versions per API version and window; more count as "other".
import type { Middleware } from 'koa';
import { versionOf, type LogEntry, type ServedVersion } from '@microblog/bff-kit';
import { parseVersion } from './semver.ts';

/** Requests without X-App-Version (old clients, curl, scripts). */
export const UNKNOWN = 'unknown';
/** Requests whose X-App-Version is not a semantic version (the gate answers them 400). */
export const INVALID = 'invalid';
/** Requests of a new app version once `maxVersions` distinct ones were seen in the window. */
export const OTHER = 'other';

/** One API version's counts over one window. */
export type MixWindow = {
  apiVersion: string;
  counts: Record<string, number>;
  total: number;
  windowStartedAt: string;
  windowSeconds: number;
};

/** The counters. */
export type AppVersionMix = {
  /** Counts from now on, also while nobody calls it (a zero-traffic window is worth a line too). */
  track(apiVersion: string): void;
  /** Counts one request of `apiVersion` with this raw X-App-Version ('' when absent). */
  record(apiVersion: string, appVersionHeader: string): void;
  /** The window so far, without closing it. */
  current(): MixWindow[];
  /** Closes the window (returning it) and starts the next one. */
  rotate(): MixWindow[];
};

/** In-memory counters; `now` (ms) is injectable so tests need no timers. */
export function appVersionMix(
  options: {
    now?: () => number;
    maxVersions?: number;
    onRecorded?: (apiVersion: string, appVersion: string) => void;
  } = {},
): AppVersionMix {
  const now = options.now ?? Date.now;
  const maxVersions = options.maxVersions ?? 100;
  let startedAt = now();
  let windows = new Map<string, Map<string, number>>();

  const label = (counts: Map<string, number>, header: string): string => {
    if (header === '') return UNKNOWN;
    if (parseVersion(header) === null) return INVALID;
    if (counts.has(header)) return header;
    let distinct = 0;
    for (const key of counts.keys()) if (key !== UNKNOWN && key !== INVALID && key !== OTHER) distinct++;
    return distinct < maxVersions ? header : OTHER;
  };

  const snapshot = (): MixWindow[] => {
    const at = now();
    return [...windows].map(([apiVersion, counts]) => ({
      apiVersion,
      counts: Object.fromEntries(counts),
      total: [...counts.values()].reduce((sum, n) => sum + n, 0),
      windowStartedAt: new Date(startedAt).toISOString(),
      windowSeconds: Math.round((at - startedAt) / 1000),
    }));
  };

  return {
    track(apiVersion) {
      if (!windows.has(apiVersion)) windows.set(apiVersion, new Map());
    },
    record(apiVersion, header) {
      let counts = windows.get(apiVersion);
      if (counts === undefined) {
        counts = new Map();
        windows.set(apiVersion, counts);
      }
      const key = label(counts, header);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      options.onRecorded?.(apiVersion, key);
    },
    current: snapshot,
    rotate() {
      const closed = snapshot();
      startedAt = now();
      windows = new Map([...windows.keys()].map((apiVersion) => [apiVersion, new Map<string, number>()]));
      return closed;
    },
  };
}

/** Counts every request under a served version (before anything can refuse it, so 426s count too). */
export function countAppVersions(mix: AppVersionMix, versions: readonly ServedVersion[]): Middleware {
  for (const { version } of versions) mix.track(version);
  return (ctx, next) => {
    const version = versionOf(versions, ctx.path);
    // The header is capped by parseVersion (≤ 64 characters) before it becomes a key.
    if (version !== undefined) mix.record(version.version, ctx.get('x-app-version'));
    return next();
  };
}

/** Logs the closed window, one line per API version. */
export function logAppVersionMix(mix: AppVersionMix, log: (entry: LogEntry) => void): void {
  for (const window of mix.rotate())
    log({ level: 'info', msg: 'app version mix', metric: 'app_version_mix', ...window });
}

/** A repeating timer (injectable so tests can fire it by hand). */
export type Every = (ms: number, run: () => void) => { cancel(): void };

const realTimer: Every = (ms, run) => {
  const timer = setInterval(run, ms);
  timer.unref();
  return { cancel: () => clearInterval(timer) };
};

/** Logs the mix every `intervalSeconds` (0: never); `stop()` cancels and logs the partial window, when reporting. */
export function reportAppVersionMix(options: {
  mix: AppVersionMix;
  log: (entry: LogEntry) => void;
  intervalSeconds: number;
  every?: Every;
}): { stop(): void } {
  const { mix, log, intervalSeconds } = options;
  if (intervalSeconds <= 0) return { stop() {} };
  const timer = (options.every ?? realTimer)(intervalSeconds * 1000, () => logAppVersionMix(mix, log));
  return {
    stop() {
      timer.cancel();
      logAppVersionMix(mix, log);
    },
  };
}
