// Test helpers: start the app on port 0, call it with fetch, and check every answer against the web contract.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Database } from '@microblog/domain';
import { TEST_PASSWORD, TEST_TOKEN_SECRET, uniqueUsername } from '@microblog/domain/testing';
import { validateResponse, type OperationId } from '@microblog/web-contract';
import { createApp, type AppDeps } from '../src/app.ts';
import { settingsFrom } from '../src/settings.ts';
import { suite } from './setup.ts';

export const TEST_JWT_SECRET = 'bff-web-test-jwt-secret-0123456789abcdef';

/** A running app. */
export type TestApp = { origin: string; close(): Promise<void> };

// Every test app gets throttles far above what a test run reaches, unless a test asks for small ones.
const GENEROUS = { points: 100_000, durationSeconds: 3600 };

/** Starts the app on a free port, allowing writes from its own origin. */
export async function startApp(
  overrides: Omit<Partial<AppDeps>, 'settings'> & { env?: Record<string, string>; db?: Database } = {},
): Promise<TestApp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const settings = settingsFrom({
    TOKEN_SECRET: TEST_TOKEN_SECRET,
    JWT_SECRET: TEST_JWT_SECRET,
    PUBLIC_ORIGIN: origin,
    LOG_LEVEL: 'silent',
    ...overrides.env,
  });
  const { env: _env, ...deps } = overrides;
  const app = createApp({
    db: suite.database(),
    rateLimits: {
      failedSignInsPerAccount: GENEROUS,
      signInAttemptsPerAddress: GENEROUS,
      signUpsPerAddress: GENEROUS,
      postsPerUser: GENEROUS,
      ...overrides.rateLimits,
    },
    ...deps,
    settings,
  });
  server.on('request', app.callback());
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a test sees of a response. */
export type Answer = { status: number; headers: Headers; body: any; text: string };

export type CallOptions = {
  body?: unknown;
  /** Sent as is (with the given content-type header), instead of JSON. */
  rawBody?: string | FormData;
  cookie?: string | null;
  headers?: Record<string, string>;
  /** Adds `X-CSRF: 1` to writes unless false. */
  csrf?: boolean;
};

async function send(t: TestApp, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (method !== 'GET' && method !== 'HEAD' && options.csrf !== false) headers['X-CSRF'] = '1';
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.cookie) headers.Cookie = options.cookie;
  Object.assign(headers, options.headers);
  const response = await fetch(`${t.origin}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const body = text !== '' && /json/.test(type) ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body, text };
}

/** Calls one operation and asserts the answer matches the contract for its status. */
export async function call(
  t: TestApp,
  operationId: OperationId,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const answer = await send(t, method, path, options);
  const verdict = validateResponse(operationId, answer.status, answer.body);
  expect(verdict, `${method} ${path} → ${answer.status} ${answer.text.slice(0, 300)}`).to.deep.equal({ ok: true });
  if (answer.status >= 400) expectProblem(answer, answer.status);
  return answer;
}

/** A request outside the contract (unknown paths, 405, static files): the raw answer. */
export function request(t: TestApp, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  return send(t, method, path, options);
}

/** Asserts an RFC 9457 problem with the given status (and code). */
export function expectProblem(answer: Answer, status: number, code?: string): void {
  expect(answer.status).to.equal(status);
  expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(answer.body).to.include.keys('type', 'title', 'status', 'code');
  expect(answer.body.status).to.equal(status);
  expect(answer.body.type).to.equal(`https://microblog.example/problems/${answer.body.code}`);
  expect(answer.text).not.to.match(/at .*\.ts:\d+|select |insert |stack/i);
  if (code !== undefined) expect(answer.body.code).to.equal(code);
}

/** The `__Host-session=...` pair from a response's Set-Cookie, for the next request's Cookie header. */
export function sessionCookieOf(answer: Answer): string {
  const set = answer.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
  expect(set, 'a session cookie is set').to.be.a('string');
  return set!.split(';')[0]!;
}

/** A signed-in user made through the API. */
export type SignedIn = { username: string; password: string; cookie: string };

/** Signs up a new user through the API. */
export async function signUp(t: TestApp, prefix = 'web', displayName = 'Web User'): Promise<SignedIn> {
  const username = uniqueUsername(prefix);
  const answer = await call(t, 'signUp', 'POST', '/api/v1/users', {
    body: { username, password: TEST_PASSWORD, displayName },
  });
  expect(answer.status).to.equal(201);
  return { username, password: TEST_PASSWORD, cookie: sessionCookieOf(answer) };
}

/** Signs in again (a second session). */
export async function signIn(t: TestApp, user: { username: string; password: string }): Promise<string> {
  const answer = await call(t, 'signIn', 'POST', '/api/v1/session', {
    body: { username: user.username, password: user.password },
  });
  expect(answer.status).to.equal(200);
  return sessionCookieOf(answer);
}

/** Posts a micropost through the API and returns it. */
export async function post(t: TestApp, user: SignedIn, text: string): Promise<any> {
  const answer = await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
    cookie: user.cookie,
    body: { text },
  });
  expect(answer.status).to.equal(201);
  return answer.body;
}
