// Serving majors side by side: a fixture v0 registered through the same registry as v1, deprecated in configuration.
import { Router } from '@koa/router';
import { expect } from 'chai';
import type { AppState } from '../src/auth.ts';
import { settingsFrom } from '../src/settings.ts';
import { createApp } from '../src/app.ts';
import { HttpProblem } from '@microblog/bff-kit';
import {
  call,
  expectProblem,
  post,
  request,
  signUp,
  startApp,
  TEST_JWT_SECRET,
  type Answer,
  type TestApp,
} from './helpers.ts';
import { suite } from './setup.ts';

const MIGRATION = 'https://docs.example/web/migrate-to-v1';
const V0_DEPRECATED = `v0@2026-01-01T00:00:00Z>2026-07-01T12:30:00Z|${MIGRATION}`;
const V1_DEPRECATED = 'v1@2027-01-01>2027-07-01|https://docs.example/web/migrate-to-v2';

// 2026-01-01T00:00:00Z and 2026-07-01T12:30:00Z, as the headers write them.
const V0_HEADERS = {
  deprecation: '@1767225600',
  sunset: 'Wed, 01 Jul 2026 12:30:00 GMT',
  link: `<${MIGRATION}>; rel="deprecation"; type="text/html"`,
};

/** A tiny old major: one answer, one answer with its own Link, one failure. */
function v0Router(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v0' });
  router.get('/ping', (ctx) => {
    ctx.body = { pong: true };
  });
  router.get('/paged', (ctx) => {
    ctx.set('Link', '</api/v0/paged?page=2>; rel="next"');
    ctx.body = { items: [] };
  });
  router.get('/conflict', () => {
    throw new HttpProblem(409, 'conflict', 'the fixture always conflicts');
  });
  return router;
}

function expectDeprecated(answer: Answer, expected: { deprecation: string; sunset: string; link: string }): void {
  expect(answer.headers.get('deprecation'), 'Deprecation').to.equal(expected.deprecation);
  expect(answer.headers.get('sunset'), 'Sunset').to.equal(expected.sunset);
  expect(answer.headers.get('link'), 'Link').to.contain(expected.link);
}

function expectNotDeprecated(answer: Answer): void {
  expect(answer.headers.get('deprecation'), 'Deprecation').to.equal(null);
  expect(answer.headers.get('sunset'), 'Sunset').to.equal(null);
  expect(answer.headers.get('link') ?? '').not.to.contain('rel="deprecation"');
}

describe('API versions served side by side', () => {
  describe('when a fixture v0 is served beside v1 and API_DEPRECATIONS deprecates v0', () => {
    let t: TestApp;
    before(async () => {
      t = await startApp({
        env: { API_DEPRECATIONS: V0_DEPRECATED },
        extraApiVersions: [{ version: 'v0', router: v0Router() }],
      });
    });
    after(() => t.close());

    it('then a v0 answer carries Deprecation (@seconds), Sunset (HTTP-date) and a Link to the migration notes', async () => {
      const answer = await request(t, 'GET', '/api/v0/ping');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ pong: true });
      expectDeprecated(answer, V0_HEADERS);
      expect(answer.headers.get('link')).to.equal(V0_HEADERS.link);
    });

    it("then the deprecation link is added after the answer's own Link, which stays", async () => {
      const answer = await request(t, 'GET', '/api/v0/paged');
      expect(answer.headers.get('link')).to.equal(`</api/v0/paged?page=2>; rel="next", ${V0_HEADERS.link}`);
    });

    it('then v0 problems carry them too: a route that fails, an unknown route, a wrong method, a CSRF refusal', async () => {
      const conflict = await request(t, 'GET', '/api/v0/conflict');
      expectProblem(conflict, 409, 'conflict');
      expectDeprecated(conflict, V0_HEADERS);
      expect(conflict.headers.get('link')).to.equal(V0_HEADERS.link);

      const unknown = await request(t, 'GET', '/api/v0/nothing-here');
      expectProblem(unknown, 404, 'not_found');
      expectDeprecated(unknown, V0_HEADERS);

      const wrongMethod = await request(t, 'DELETE', '/api/v0/ping');
      expectProblem(wrongMethod, 405, 'method_not_allowed');
      expectDeprecated(wrongMethod, V0_HEADERS);

      const noCsrf = await request(t, 'DELETE', '/api/v0/ping', { csrf: false });
      expectProblem(noCsrf, 403, 'csrf_failed');
      expectDeprecated(noCsrf, V0_HEADERS);
    });

    it('then v1, which is not deprecated, answers without them, on success and on error', async () => {
      const user = await signUp(t);
      const ok = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie });
      expect(ok.status).to.equal(200);
      expectNotDeprecated(ok);
      const missing = await call(t, 'getProfile', 'GET', '/api/v1/users/nobody_at_all_here');
      expectProblem(missing, 404, 'not_found');
      expectNotDeprecated(missing);
    });

    it('then /healthz, the docs and an unknown /api/v00 path answer without them', async () => {
      for (const path of ['/healthz', '/openapi.json', '/api/v00/ping']) {
        const answer = await request(t, 'GET', path);
        expectNotDeprecated(answer);
      }
    });
  });

  describe('when API_DEPRECATIONS deprecates v1 itself', () => {
    let t: TestApp;
    before(async () => {
      t = await startApp({ env: { API_DEPRECATIONS: V1_DEPRECATED } });
    });
    after(() => t.close());

    const V1_HEADERS = {
      deprecation: '@1798761600',
      sunset: 'Thu, 01 Jul 2027 00:00:00 GMT',
      link: '<https://docs.example/web/migrate-to-v2>; rel="deprecation"; type="text/html"',
    };

    it('then a page keeps its first/next/last links and the deprecation link follows them', async () => {
      const user = await signUp(t);
      for (const text of ['one', 'two', 'three']) await post(t, user, text);
      const answer = await call(
        t,
        'listUserMicroposts',
        'GET',
        `/api/v1/users/${user.username}/microposts?page=1&per_page=2`,
      );
      expectDeprecated(answer, V1_HEADERS);
      const base = `/api/v1/users/${user.username}/microposts`;
      expect(answer.headers.get('link')).to.equal(
        `<${base}?page=1&per_page=2>; rel="first", <${base}?page=2&per_page=2>; rel="next", ` +
          `<${base}?page=2&per_page=2>; rel="last", ${V1_HEADERS.link}`,
      );
    });

    it('then a v1 problem (401, 422) still matches the contract and carries the headers', async () => {
      const unauthenticated = await call(t, 'getSession', 'GET', '/api/v1/session');
      expectProblem(unauthenticated, 401, 'unauthenticated');
      expectDeprecated(unauthenticated, V1_HEADERS);
      const invalid = await call(t, 'signUp', 'POST', '/api/v1/users', {
        body: { username: '', password: 'x', displayName: '' },
      });
      expectProblem(invalid, 422, 'validation_failed');
      expectDeprecated(invalid, V1_HEADERS);
    });

    it('then /healthz and a path that only starts like v1 (/api/v10) answer without them', async () => {
      expectNotDeprecated(await request(t, 'GET', '/healthz'));
      const v10 = await request(t, 'GET', '/api/v10/session');
      expectProblem(v10, 404, 'not_found');
      expectNotDeprecated(v10);
    });
  });

  describe('API_DEPRECATIONS', () => {
    const base = { TOKEN_SECRET: 'a'.repeat(32), JWT_SECRET: TEST_JWT_SECRET };

    it('when it is unset, then no version is deprecated', () => {
      expect(settingsFrom(base).apiDeprecations).to.deep.equal([]);
    });

    it('when it lists versions, then each has its deprecation, optional sunset and migration link', () => {
      const settings = settingsFrom({
        ...base,
        API_DEPRECATIONS:
          ' v1@2027-01-01T00:00:00Z>2027-07-01T00:00:00Z|https://docs.example/m2 , v2@2028-03-01T09:00:00+01:00|https://docs.example/m3',
      });
      expect(settings.apiDeprecations).to.deep.equal([
        {
          version: 'v1',
          deprecatedAt: new Date('2027-01-01T00:00:00Z'),
          sunsetAt: new Date('2027-07-01T00:00:00Z'),
          link: 'https://docs.example/m2',
        },
        {
          version: 'v2',
          deprecatedAt: new Date('2028-03-01T08:00:00Z'),
          sunsetAt: null,
          link: 'https://docs.example/m3',
        },
      ]);
    });

    for (const [value, why] of [
      ['v1', /must look like v1@/],
      ['v1@2027-01-01>2027-07-01', /must look like v1@/],
      ['1@2027-01-01>2027-07-01|https://docs.example/m', /not an API version/],
      ['v1@2027-02-30>2027-07-01|https://docs.example/m', /deprecation date "2027-02-30"/],
      ['v1@2027-01-01T00:00:00>2027-07-01|https://docs.example/m', /deprecation date .* with a zone/],
      ['v1@2027-01-01>tomorrow|https://docs.example/m', /sunset date "tomorrow"/],
      ['v1@2027-07-01>2027-01-01|https://docs.example/m', /sunset must come after/],
      ['v1@2027-01-01>2027-07-01|docs/migrate', /absolute http\(s\) URL/],
      ['v1@2027-01-01>2027-07-01|javascript:alert(1)', /http\(s\) URL/],
      ['v1@2027-01-01|https://a.example/1,v1@2027-02-01|https://a.example/2', /v1 is listed twice/],
    ] as const) {
      it(`when it is "${value}", then reading the config fails naming API_DEPRECATIONS`, () => {
        expect(() => settingsFrom({ ...base, API_DEPRECATIONS: value }))
          .to.throw(Error, /^API_DEPRECATIONS: /)
          .with.property('message')
          .that.matches(why);
      });
    }

    it('when it deprecates a version this server does not serve, then building the app fails naming API_DEPRECATIONS', () => {
      const settings = settingsFrom({ ...base, API_DEPRECATIONS: 'v2@2027-01-01|https://docs.example/m' });
      expect(() => createApp({ db: suite.database(), settings })).to.throw(
        /API_DEPRECATIONS: v2 is not served here \(served: v1\)/,
      );
    });

    it('when a registered version has a route outside its base path or is registered twice, then building the app fails', () => {
      const settings = settingsFrom(base);
      const stray = new Router<AppState>();
      stray.get('/api/v1/ping', (ctx) => {
        ctx.body = {};
      });
      expect(() =>
        createApp({ db: suite.database(), settings, extraApiVersions: [{ version: 'v0', router: stray }] }),
      ).to.throw(/route \/api\/v1\/ping is not under \/api\/v0/);
      expect(() =>
        createApp({
          db: suite.database(),
          settings,
          extraApiVersions: [{ version: 'v1', router: new Router<AppState>() }],
        }),
      ).to.throw(/v1 is registered twice/);
    });
  });
});
