// Test harness: the app in-process on port 0, driven with fetch; every answer checked against the contract.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '@microblog/domain';
import { TEST_PASSWORD, TEST_TOKEN_SECRET, uniqueUsername } from '@microblog/domain/testing';
import { Problem, validateResponse, type OperationId } from '@microblog/mobile-contract';
import { expect } from 'chai';
import nock from 'nock';
import { createApp } from '../src/app.ts';
import { createLogger, type LogEntry, type RateLimits } from '@microblog/bff-kit';
import { settingsFrom, type Settings } from '../src/settings.ts';
import type { Hooks } from '../src/v1/deps.ts';
import { suite } from './setup.ts';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

export const JWT_SECRET = 'jwt-secret-for-the-bff-mobile-tests-0123456789';
export { TEST_PASSWORD };

/** The settings tests run with (reuse grace 0, so a replayed refresh token is always reuse). */
export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    ...settingsFrom({
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      JWT_SECRET,
      LOG_LEVEL: 'silent',
      REFRESH_REUSE_GRACE_MS: '0',
      MIN_APP_VERSION: '1.2.0',
    }),
    ...overrides,
  };
}

const GENEROUS: Limit = { points: 100_000, durationSeconds: 3600 };
type Limit = RateLimits['postsPerUser'];

/** An answer as a test sees it. */
export type Answer = { status: number; headers: Headers; body: any };

/** Options of one request. */
export type RequestOptions = { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> };

/** A running app. */
export type TestApp = {
  url: string;
  logs: LogEntry[];
  /** Calls `operationId` and asserts the answer matches the contract for that operation. */
  call(operationId: OperationId, method: string, path: string, options?: RequestOptions): Promise<Answer>;
  /** A request outside the contract (unknown route, wrong method): the answer must still be a problem. */
  raw(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  close(): Promise<void>;
};

const running: TestApp[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

async function request(url: string, method: string, path: string, options: RequestOptions): Promise<Answer> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const parsed: unknown = text === '' ? undefined : /json/.test(type) ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Starts the app over the suite's database (or `db`), closed after the test. */
export async function startApp(
  options: { settings?: Partial<Settings>; limits?: Partial<RateLimits>; hooks?: Hooks; db?: Database } = {},
): Promise<TestApp> {
  const logs: LogEntry[] = [];
  const limits: RateLimits = {
    failedSignInsPerAccount: GENEROUS,
    signInAttemptsPerAddress: GENEROUS,
    signUpsPerAddress: GENEROUS,
    postsPerUser: GENEROUS,
    ...options.limits,
  };
  const app = createApp({
    db: options.db ?? suite.database(),
    settings: testSettings(options.settings),
    // Every line the app logs, as the JSON objects it writes.
    logger: createLogger({
      service: 'bff-mobile',
      level: 'info',
      destination: { write: (line: string) => void logs.push(JSON.parse(line)) },
    }),
    rateLimits: limits,
    hooks: options.hooks ?? {},
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const testApp: TestApp = {
    url,
    logs,
    async call(operationId, method, path, requestOptions = {}) {
      const answer = await request(url, method, path, requestOptions);
      const verdict = validateResponse(operationId, answer.status, answer.body);
      expect(verdict, `${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`).to.deep.equal({
        ok: true,
      });
      if (answer.status >= 400) expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(answer.headers.get('x-request-id')).to.be.a('string');
      return answer;
    },
    async raw(method, path, requestOptions = {}) {
      const answer = await request(url, method, path, requestOptions);
      if (answer.status >= 400) {
        expect(Problem.safeParse(answer.body).success, JSON.stringify(answer.body)).to.equal(true);
        expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
      }
      return answer;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  running.push(testApp);
  return testApp;
}

/** A device for sign-up and sign-in bodies. */
export function device(name = 'Test Phone'): { id: string; name: string; platform: 'ios' | 'android' } {
  return { id: `dev-${randomUUID()}`, name, platform: 'ios' };
}

/** A signed-up app user with their first token pair. */
export type AppUser = { id: string; username: string; token: string; refreshToken: string; deviceId: string };

/** Signs a new user up through the API. */
export async function signUp(app: TestApp, prefix = 'm'): Promise<AppUser> {
  const username = uniqueUsername(prefix);
  const dev = device();
  const answer = await app.call('signUp', 'POST', '/v1/users', {
    body: { username, password: TEST_PASSWORD, displayName: `${prefix} user`, device: dev },
  });
  expect(answer.status).to.equal(201);
  return {
    id: answer.body.user.id,
    username,
    token: answer.body.accessToken,
    refreshToken: answer.body.refreshToken,
    deviceId: dev.id,
  };
}

/** Publishes a micropost through the API; returns it. */
export async function post(
  app: TestApp,
  user: AppUser,
  text: string,
): Promise<{ id: string; text: string; createdAt: string; editedAt: string | null; authorId: string }> {
  const answer = await app.call('createPost', 'POST', '/v1/posts', {
    token: user.token,
    body: { text },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(answer.status).to.equal(201);
  return answer.body;
}

/** `viewer` follows `target` through the API. */
export async function follow(app: TestApp, viewer: AppUser, target: AppUser): Promise<void> {
  const answer = await app.call('follow', 'PUT', `/v1/users/${target.username}/follow`, { token: viewer.token });
  expect(answer.status).to.equal(200);
}
