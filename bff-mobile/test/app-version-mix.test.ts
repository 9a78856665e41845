// The X-App-Version mix per API version: counted in memory, logged once per window (clock and timer injected).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { Router } from '@koa/router';
import { expect } from 'chai';
import { appVersionMix, reportAppVersionMix, type AppVersionMix, type Every } from '../src/app-version-mix.ts';
import { createApp } from '../src/app.ts';
import { settingsFrom } from '../src/settings.ts';
import type { LogEntry } from '@microblog/bff-kit';
import { JWT_SECRET, testSettings } from './helpers.ts';
import { suite } from './setup.ts';

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2026-05-01T10:00:00Z')): { now: () => number; advance(seconds: number): void } {
  let at = start;
  return { now: () => at, advance: (seconds) => void (at += seconds * 1000) };
}

/** A timer the test fires by hand. */
function fakeTimer(): { every: Every; fire(): void; intervalMs: number | null; cancelled: boolean } {
  const timer = {
    run: null as (() => void) | null,
    intervalMs: null as number | null,
    cancelled: false,
    every: ((ms, run) => {
      timer.intervalMs = ms;
      timer.run = run;
      return { cancel: () => void (timer.cancelled = true) };
    }) as Every,
    fire: () => timer.run?.(),
  };
  return timer;
}

function mixLines(logs: LogEntry[]): LogEntry[] {
  return logs.filter((entry) => entry.metric === 'app_version_mix');
}

describe('X-App-Version mix per API version', () => {
  describe('when apps of several versions call v1 and a fixture v0', () => {
    let server: http.Server;
    let url: string;
    let mix: AppVersionMix;
    const clock = fakeClock();

    before(async () => {
      mix = appVersionMix({ now: clock.now });
      const v0 = new Router();
      v0.get('/v0/ping', (ctx) => {
        ctx.body = { pong: true };
      });
      const app = createApp({
        db: suite.database(),
        settings: testSettings(),
        appVersionMix: mix,
        extraApiVersions: [{ version: 'v0', router: v0 }],
      });
      server = http.createServer(app.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = async (path: string, appVersion?: string): Promise<number> => {
      const response = await fetch(
        url + path,
        appVersion === undefined ? {} : { headers: { 'x-app-version': appVersion } },
      );
      await response.arrayBuffer();
      return response.status;
    };

    it('then each window logs one line per API version with the count per app version, and the next window starts empty', async () => {
      const logs: LogEntry[] = [];
      const timer = fakeTimer();
      const report = reportAppVersionMix({
        mix,
        log: (entry) => logs.push(entry),
        intervalSeconds: 60,
        every: timer.every,
      });
      expect(timer.intervalMs).to.equal(60_000);
      mix.rotate(); // start the window now, on the fake clock

      for (let n = 0; n < 3; n++) expect(await get('/v1/users/nobody_at_all_here', '1.4.0')).to.equal(404);
      expect(await get('/v1/users/nobody_at_all_here', '1.5.0-beta.1')).to.equal(404);
      expect(await get('/v1/users/nobody_at_all_here')).to.equal(404);
      expect(await get('/v1/users/nobody_at_all_here', 'not-a-version')).to.equal(400);
      expect(await get('/v1/users/nobody_at_all_here', '1.0.0')).to.equal(426); // too old, still v1 traffic
      expect(await get('/v0/ping', '1.4.0')).to.equal(200);
      expect(await get('/healthz', '1.4.0')).to.equal(200); // not an API version: not counted
      expect(await get('/v9/anything', '1.4.0')).to.equal(404); // not served: not counted

      expect(mix.current().find((w) => w.apiVersion === 'v1')?.total, 'the open window can be read').to.equal(7);
      clock.advance(60);
      timer.fire();

      expect(mixLines(logs)).to.deep.equal([
        {
          level: 'info',
          msg: 'app version mix',
          metric: 'app_version_mix',
          apiVersion: 'v0',
          counts: { '1.4.0': 1 },
          total: 1,
          windowStartedAt: '2026-05-01T10:00:00.000Z',
          windowSeconds: 60,
        },
        {
          level: 'info',
          msg: 'app version mix',
          metric: 'app_version_mix',
          apiVersion: 'v1',
          counts: { '1.4.0': 3, '1.5.0-beta.1': 1, unknown: 1, invalid: 1, '1.0.0': 1 },
          total: 7,
          windowStartedAt: '2026-05-01T10:00:00.000Z',
          windowSeconds: 60,
        },
      ]);

      // A quiet window is reported too: zero v1 traffic is the signal to sunset it.
      clock.advance(60);
      timer.fire();
      expect(
        mixLines(logs)
          .slice(2)
          .map(({ apiVersion, counts, total, windowSeconds }) => ({ apiVersion, counts, total, windowSeconds })),
      ).to.deep.equal([
        { apiVersion: 'v0', counts: {}, total: 0, windowSeconds: 60 },
        { apiVersion: 'v1', counts: {}, total: 0, windowSeconds: 60 },
      ]);

      // Stopping (on shutdown) cancels the timer and reports the partial window.
      expect(await get('/v1/users/nobody_at_all_here', '2.0.0')).to.equal(404);
      clock.advance(15);
      report.stop();
      expect(timer.cancelled).to.equal(true);
      expect(
        mixLines(logs)
          .slice(4)
          .map(({ apiVersion, counts, windowSeconds }) => ({ apiVersion, counts, windowSeconds })),
      ).to.deep.equal([
        { apiVersion: 'v0', counts: {}, windowSeconds: 15 },
        { apiVersion: 'v1', counts: { '2.0.0': 1 }, windowSeconds: 15 },
      ]);
    });
  });

  it('when more distinct app versions arrive than the cap, then the rest count as "other" (unknown and invalid aside)', () => {
    const mix = appVersionMix({ now: fakeClock().now, maxVersions: 3 });
    mix.track('v1');
    for (const header of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.0.0', '', 'x'.repeat(100_000), '1.3.0'])
      mix.record('v1', header);
    expect(mix.current()[0]?.counts).to.deep.equal({
      '1.0.0': 2,
      '1.1.0': 1,
      '1.2.0': 1,
      other: 3,
      unknown: 1,
      invalid: 1,
    });
    mix.rotate();
    mix.record('v1', '1.4.0');
    expect(mix.current()[0]?.counts, 'the cap is per window').to.deep.equal({ '1.4.0': 1 });
  });

  it('when the interval is 0, then nothing is scheduled and nothing logged', () => {
    const timer = fakeTimer();
    const logs: LogEntry[] = [];
    const mix = appVersionMix();
    mix.record('v1', '1.4.0');
    reportAppVersionMix({ mix, log: (entry) => logs.push(entry), intervalSeconds: 0, every: timer.every }).stop();
    expect(timer.intervalMs).to.equal(null);
    expect(logs).to.deep.equal([]);
  });

  it('when APP_VERSION_MIX_INTERVAL_SECONDS is unset, 0 or bad, then it is 60, off, or an error naming it', () => {
    const env = { TOKEN_SECRET: TEST_TOKEN_SECRET, JWT_SECRET };
    expect(settingsFrom(env).appVersionMixIntervalSeconds).to.equal(60);
    expect(settingsFrom({ ...env, APP_VERSION_MIX_INTERVAL_SECONDS: '0' }).appVersionMixIntervalSeconds).to.equal(0);
    expect(settingsFrom({ ...env, APP_VERSION_MIX_INTERVAL_SECONDS: '300' }).appVersionMixIntervalSeconds).to.equal(
      300,
    );
    expect(() => settingsFrom({ ...env, APP_VERSION_MIX_INTERVAL_SECONDS: 'soon' })).to.throw(
      /^APP_VERSION_MIX_INTERVAL_SECONDS: /,
    );
    expect(() => settingsFrom({ ...env, APP_VERSION_MIX_INTERVAL_SECONDS: '90000' })).to.throw(
      /^APP_VERSION_MIX_INTERVAL_SECONDS: /,
    );
  });
});
