// Serving majors side by side: a fixture v0 registered through the same registry as v1, deprecated in configuration.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { Problem, validateResponse, type OperationId } from '@microblog/mobile-contract';
import { Router } from '@koa/router';
import { expect } from 'chai';
import { createApp, type ApiVersion } from '../src/app.ts';
import { settingsFrom } from '../src/settings.ts';
import { HttpProblem } from '@microblog/bff-kit';
import { JWT_SECRET, testSettings } from './helpers.ts';
import { suite } from './setup.ts';

const MIGRATION = 'https://docs.example/mobile/migrate-to-v1';
const V0_DEPRECATED = `v0@2026-01-01T00:00:00Z>2026-07-01T12:30:00Z|${MIGRATION}`;
const V1_DEPRECATED = 'v1@2027-01-01>2027-07-01|https://docs.example/mobile/migrate-to-v2';

// 2026-01-01T00:00:00Z and 2026-07-01T12:30:00Z, as the headers write them.
const V0_HEADERS = {
  deprecation: '@1767225600',
  sunset: 'Wed, 01 Jul 2026 12:30:00 GMT',
  link: `<${MIGRATION}>; rel="deprecation"; type="text/html"`,
};
const V1_HEADERS = {
  deprecation: '@1798761600',
  sunset: 'Thu, 01 Jul 2027 00:00:00 GMT',
  link: '<https://docs.example/mobile/migrate-to-v2>; rel="deprecation"; type="text/html"',
};

type Answer = { status: number; headers: Headers; body: any };
type Started = {
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  send(method: string, path: string, headers?: Record<string, string>, body?: string): Promise<Answer>;
  close(): Promise<void>;
};

/** The app with API_DEPRECATIONS as given and, optionally, more versions; answers come back raw. */
async function start(apiDeprecations: string, extraApiVersions: ApiVersion[] = []): Promise<Started> {
  const deprecations = settingsFrom({
    TOKEN_SECRET: TEST_TOKEN_SECRET,
    JWT_SECRET,
    API_DEPRECATIONS: apiDeprecations,
  }).apiDeprecations;
  const app = createApp({
    db: suite.database(),
    settings: testSettings({ apiDeprecations: deprecations }),
    extraApiVersions,
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const send = async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    payload?: string,
  ): Promise<Answer> => {
    const response = await fetch(url + path, {
      method,
      headers: { 'accept-encoding': 'identity', ...headers },
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    const body: unknown =
      text === '' ? undefined : /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body };
  };
  return {
    get: (path, headers) => send('GET', path, headers),
    send,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A v1 answer must still match the contract. */
function expectContract(operationId: OperationId, answer: Answer): void {
  expect(validateResponse(operationId, answer.status, answer.body), JSON.stringify(answer.body)).to.deep.equal({
    ok: true,
  });
}

function expectProblem(answer: Answer, status: number): void {
  expect(answer.status).to.equal(status);
  expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(Problem.safeParse(answer.body).success, JSON.stringify(answer.body)).to.equal(true);
}

function expectDeprecated(answer: Answer, expected: { deprecation: string; sunset: string; link: string }): void {
  expect(answer.headers.get('deprecation'), 'Deprecation').to.equal(expected.deprecation);
  expect(answer.headers.get('sunset'), 'Sunset').to.equal(expected.sunset);
  expect(answer.headers.get('link'), 'Link').to.equal(expected.link);
}

function expectNotDeprecated(answer: Answer): void {
  expect(answer.headers.get('deprecation'), 'Deprecation').to.equal(null);
  expect(answer.headers.get('sunset'), 'Sunset').to.equal(null);
  expect(answer.headers.get('link'), 'Link').to.equal(null);
}

/** A tiny old major: one answer and one failure. */
function v0Router(): Router {
  const router = new Router();
  router.get('/v0/ping', (ctx) => {
    ctx.body = { pong: true };
  });
  router.get('/v0/conflict', () => {
    throw new HttpProblem(409, 'conflict', 'the fixture always conflicts');
  });
  return router;
}

describe('API versions served side by side', () => {
  describe('when a fixture v0 is served beside v1 and API_DEPRECATIONS deprecates v0', () => {
    let app: Started;
    before(async () => {
      app = await start(V0_DEPRECATED, [{ version: 'v0', router: v0Router() }]);
    });
    after(() => app.close());

    it('then a v0 answer carries Deprecation (@seconds), Sunset (HTTP-date) and a Link to the migration notes', async () => {
      const answer = await app.get('/v0/ping');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ pong: true });
      expectDeprecated(answer, V0_HEADERS);
    });

    it('then a 304 from the ETag check, and v0 problems (a failing route, an unknown route, a wrong method, a too-old app) carry them too', async () => {
      const first = await app.get('/v0/ping');
      const notModified = await app.get('/v0/ping', { 'if-none-match': first.headers.get('etag') ?? '' });
      expect(notModified.status).to.equal(304);
      expectDeprecated(notModified, V0_HEADERS);
      const conflict = await app.get('/v0/conflict');
      expectProblem(conflict, 409);
      expectDeprecated(conflict, V0_HEADERS);
      const unknown = await app.get('/v0/nothing-here');
      expectProblem(unknown, 404);
      expectDeprecated(unknown, V0_HEADERS);
      const wrongMethod = await app.send('DELETE', '/v0/ping');
      expectProblem(wrongMethod, 405);
      expectDeprecated(wrongMethod, V0_HEADERS);
      const tooOld = await app.get('/v0/ping', { 'x-app-version': '1.0.0' });
      expect(tooOld.status).to.equal(426);
      expect(tooOld.body).to.include({ code: 'upgrade_required', minVersion: '1.2.0' });
      expectDeprecated(tooOld, V0_HEADERS);
    });

    it('then v1, which is not deprecated, answers without them, on success and on error', async () => {
      const missing = await app.get('/v1/users/nobody_at_all_here');
      expectContract('getProfile', missing);
      expectProblem(missing, 404);
      expectNotDeprecated(missing);
      const unauthenticated = await app.get('/v1/me');
      expectContract('getMe', unauthenticated);
      expectNotDeprecated(unauthenticated);
    });

    it('then /healthz, /openapi.json and a path that only starts like v0 (/v00) answer without them', async () => {
      for (const path of ['/healthz', '/openapi.json', '/v00/ping']) expectNotDeprecated(await app.get(path));
    });
  });

  describe('when API_DEPRECATIONS deprecates v1 itself', () => {
    let app: Started;
    before(async () => {
      app = await start(V1_DEPRECATED);
    });
    after(() => app.close());

    it('then v1 answers, successes and problems alike, still match the contract and carry the headers', async () => {
      const health = await app.get('/healthz');
      expectNotDeprecated(health);
      const missing = await app.get('/v1/users/nobody_at_all_here');
      expectContract('getProfile', missing);
      expectDeprecated(missing, V1_HEADERS);
      const unauthenticated = await app.get('/v1/me');
      expectContract('getMe', unauthenticated);
      expect(unauthenticated.headers.get('www-authenticate')).to.equal('Bearer realm="bff-mobile"');
      expectDeprecated(unauthenticated, V1_HEADERS);
      const notJson = await app.send('POST', '/v1/auth/token', { 'content-type': 'text/plain' }, 'hello');
      expectContract('signIn', notJson);
      expectProblem(notJson, 415);
      expectDeprecated(notJson, V1_HEADERS);
    });
  });

  describe('API_DEPRECATIONS', () => {
    const env = { TOKEN_SECRET: TEST_TOKEN_SECRET, JWT_SECRET };

    it('when it is unset, then no version is deprecated', () => {
      expect(settingsFrom(env).apiDeprecations).to.deep.equal([]);
    });

    it('when it lists versions, then each has its deprecation, optional sunset and migration link', () => {
      const settings = settingsFrom({
        ...env,
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
        expect(() => settingsFrom({ ...env, API_DEPRECATIONS: value }))
          .to.throw(Error, /^API_DEPRECATIONS: /)
          .with.property('message')
          .that.matches(why);
      });
    }

    it('when it deprecates a version this server does not serve, then building the app fails naming API_DEPRECATIONS', () => {
      const apiDeprecations = settingsFrom({
        ...env,
        API_DEPRECATIONS: 'v2@2027-01-01|https://docs.example/m',
      }).apiDeprecations;
      expect(() => createApp({ db: suite.database(), settings: testSettings({ apiDeprecations }) })).to.throw(
        /API_DEPRECATIONS: v2 is not served here \(served: v1\)/,
      );
    });

    it('when a registered version has a route outside its base path or is registered twice, then building the app fails', () => {
      const stray = new Router();
      stray.get('/v1/ping', (ctx) => {
        ctx.body = {};
      });
      const build = (extraApiVersions: ApiVersion[]) => () =>
        createApp({ db: suite.database(), settings: testSettings(), extraApiVersions });
      expect(build([{ version: 'v0', router: stray }])).to.throw(/route \/v1\/ping is not under \/v0/);
      expect(build([{ version: 'v1', router: new Router() }])).to.throw(/v1 is registered twice/);
    });
  });
});
