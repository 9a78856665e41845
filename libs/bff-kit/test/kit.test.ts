// The kit's shared behaviour, through a small Koa app over a real socket: problem+json from the one error mapper,
// the shared log shape with secrets redacted, the security headers (HSTS on unless switched off), settings lines.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager } from '@opentelemetry/api';
import { expect } from 'chai';
import Koa from 'koa';
import { z } from 'zod';
import {
  API_CSP,
  checkSettings,
  commonVariables,
  createLogger,
  errorHandler,
  HttpProblem,
  port,
  requestLogging,
  securityHeaders,
  type DomainProblems,
} from '../src/index.ts';

const PROBLEMS: DomainProblems = {
  validation_failed: { status: 422, code: 'validation_failed' },
  not_found: { status: 404, code: 'not_found' },
  conflict: { status: 409, code: 'conflict' },
  forbidden: { status: 403, code: 'forbidden' },
  invalid_credentials: { status: 401, code: 'unauthenticated', detail: 'username or password is incorrect' },
  unauthenticated: { status: 401, code: 'unauthenticated' },
  invalid_grant: { status: 401, code: 'invalid_grant' },
  bad_cursor: { status: 400, code: 'bad_request' },
  idempotency_key_reused: { status: 422, code: 'idempotency_key_reused' },
  rate_limited: { status: 429, code: 'rate_limited' },
  identity_rejected: { status: 401, code: 'unauthenticated' },
  identity_provider_unavailable: { status: 503, code: 'unavailable' },
  unavailable: { status: 503, code: 'unavailable', headers: { 'Retry-After': '5' } },
};

class FakeDomainError extends Error {
  readonly code: string;
  readonly errors: unknown;
  constructor(code: string, message: string, errors?: unknown) {
    super(message);
    this.code = code;
    this.errors = errors;
  }
}

type Started = { url: string; lines: Array<Record<string, any>>; close(): Promise<void> };

async function start(hsts: boolean, route: Koa.Middleware): Promise<Started> {
  const lines: Array<Record<string, any>> = [];
  const logger = createLogger({
    service: 'kit-test',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  const app = new Koa();
  app.silent = true;
  app.use(requestLogging(logger));
  app.use(errorHandler({ logger, domainProblems: PROBLEMS }));
  app.use(securityHeaders({ csp: API_CSP, hsts }));
  app.use(route);
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lines,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const throwing =
  (error: unknown): Koa.Middleware =>
  () => {
    throw error;
  };

describe('the kit', () => {
  describe('problem+json from the one error mapper', () => {
    it('when a route throws an HttpProblem, then its status, code, detail, extra members and headers are sent', async () => {
      const app = await start(
        true,
        throwing(
          new HttpProblem(426, 'upgrade_required', 'update the app', {
            extra: { minVersion: '2.0.0' },
            headers: { 'X-Why': 'old' },
          }),
        ),
      );
      try {
        const answer = await fetch(`${app.url}/x`);
        expect(answer.status).to.equal(426);
        expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(answer.headers.get('x-why')).to.equal('old');
        expect(await answer.json()).to.deep.equal({
          type: 'https://microblog.example/problems/upgrade_required',
          title: 'Upgrade required',
          status: 426,
          code: 'upgrade_required',
          detail: 'update the app',
          minVersion: '2.0.0',
        });
      } finally {
        await app.close();
      }
    });

    it('when a domain error is thrown, then the table decides status, code and headers; field errors are kept', async () => {
      const app = await start(true, async (ctx) => {
        if (ctx.path === '/invalid')
          throw new FakeDomainError('validation_failed', 'text: too long', [{ field: 'text', message: 'too long' }]);
        throw new FakeDomainError('unavailable', 'the database is unavailable');
      });
      try {
        const invalid = await fetch(`${app.url}/invalid`);
        expect(invalid.status).to.equal(422);
        expect(await invalid.json())
          .to.include({ code: 'validation_failed', detail: 'text: too long' })
          .and.have.deep.property('errors', [{ field: 'text', message: 'too long' }]);
        const down = await fetch(`${app.url}/down`);
        expect(down.status).to.equal(503);
        expect(down.headers.get('retry-after')).to.equal('5');
      } finally {
        await app.close();
      }
    });

    it('when a bug throws, then a generic 500 without the message, and one error line with the request id', async () => {
      const app = await start(true, throwing(new Error('select * from secrets failed')));
      try {
        const answer = await fetch(`${app.url}/bug`, { headers: { 'x-request-id': 'bug-1' } });
        expect(answer.status).to.equal(500);
        const text = await answer.text();
        expect(text).to.include('internal_error').and.not.include('secrets');
        const error = app.lines.find((line) => line.msg === 'unhandled error');
        expect(error).to.include({ level: 'error', requestId: 'bug-1', service: 'kit-test' });
      } finally {
        await app.close();
      }
    });

    it('when nothing answers a path, then 404 not_found as problem+json', async () => {
      const app = await start(true, async (_ctx, next) => next());
      try {
        const answer = await fetch(`${app.url}/nothing-here`);
        expect(answer.status).to.equal(404);
        expect(await answer.json()).to.include({ code: 'not_found', status: 404 });
      } finally {
        await app.close();
      }
    });
  });

  describe('logs', () => {
    it('when a request is answered, then one "request" line carries the request id, method, path (no query), status and ms', async () => {
      const app = await start(true, async (ctx) => {
        ctx.state.log.info({ step: 'inside' }, 'working');
        ctx.body = { ok: true };
      });
      try {
        const answer = await fetch(`${app.url}/thing?access_token=abc`, { headers: { 'x-request-id': 'req-42' } });
        expect(answer.headers.get('x-request-id')).to.equal('req-42');
        await new Promise((resolve) => setTimeout(resolve, 20));
        const request = app.lines.find((line) => line.msg === 'request');
        expect(request).to.include({
          level: 'info',
          requestId: 'req-42',
          method: 'GET',
          path: '/thing',
          status: 200,
          service: 'kit-test',
        });
        expect(request?.ms).to.be.a('number');
        expect(typeof request?.time).to.equal('string');
        expect(app.lines.find((line) => line.msg === 'working')).to.include({ requestId: 'req-42', step: 'inside' });
        expect(JSON.stringify(app.lines)).not.to.include('abc');
      } finally {
        await app.close();
      }
    });

    it('when the format is pretty (development), then lines are for people, still redacted', () => {
      const lines: string[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const logger = createLogger({ service: 'kit-test', level: 'info', format: 'pretty', destination });
      logger.info({ password: 'hunter2-hunter2' }, 'signed in');
      const text = lines.join('');
      expect(text)
        .to.match(/INFO.*signed in/)
        .and.include('[redacted]')
        .and.not.include('hunter2');
      expect(() => JSON.parse(text)).to.throw();
    });

    it('when an OpenTelemetry span is active, then the line carries its trace_id; without one, none', () => {
      // A minimal context manager (the runtime's SDK registers the real one).
      const storage = new AsyncLocalStorage<Context>();
      const manager: ContextManager = {
        active: () => storage.getStore() ?? ROOT_CONTEXT,
        with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
        bind: (_ctx, target) => target,
        enable() {
          return this;
        },
        disable() {
          return this;
        },
      };
      context.setGlobalContextManager(manager);
      try {
        const lines: Array<Record<string, unknown>> = [];
        const logger = createLogger({
          service: 'kit-test',
          level: 'info',
          destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
        });
        const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
        const span = trace.wrapSpanContext({ traceId, spanId: '00f067aa0ba902b7', traceFlags: 1 });
        context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
        logger.info('outside');
        expect(lines[0]).to.include({ msg: 'inside', trace_id: traceId });
        expect(lines[1]).to.include({ msg: 'outside' }).and.not.have.property('trace_id');
      } finally {
        context.disable();
      }
    });

    it('when a line holds credentials (headers, passwords, tokens), then each is redacted', () => {
      const lines: string[] = [];
      const logger = createLogger({
        service: 'kit-test',
        level: 'info',
        destination: { write: (line: string) => void lines.push(line) },
      });
      logger.info(
        {
          headers: {
            authorization: 'Bearer eyJsecret',
            cookie: '__Host-session=eyJcookie',
            'set-cookie': ['__Host-session=eyJset'],
          },
          body: { username: 'ann', password: 'hunter2-hunter2', refreshToken: 'rt-secret' },
          password: 'top-level-secret',
          accessToken: 'at-secret',
        },
        'credentials',
      );
      const line = lines.join('');
      for (const secret of [
        'eyJsecret',
        'eyJcookie',
        'eyJset',
        'hunter2',
        'rt-secret',
        'top-level-secret',
        'at-secret',
      ])
        expect(line).not.to.include(secret);
      expect(JSON.parse(line)).to.deep.include({
        body: { username: 'ann', password: '[redacted]', refreshToken: '[redacted]' },
      });
    });
  });

  describe('security headers', () => {
    it('when HSTS is on (the default), then every answer, problems included, carries it with the rest of the policy', async () => {
      const app = await start(true, throwing(new HttpProblem(400, 'bad_request')));
      try {
        const answer = await fetch(`${app.url}/x`);
        expect(answer.headers.get('strict-transport-security')).to.equal('max-age=63072000; includeSubDomains');
        expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(answer.headers.get('content-security-policy')).to.equal(API_CSP);
      } finally {
        await app.close();
      }
    });

    it('when HSTS is switched off (plain-HTTP development), then it is not sent and the rest is', async () => {
      const app = await start(false, async (ctx) => {
        ctx.body = { ok: true };
      });
      try {
        const answer = await fetch(`${app.url}/docs`);
        expect(answer.headers.get('strict-transport-security')).to.equal(null);
        expect(answer.headers.get('content-security-policy'))
          .to.include("script-src 'self'")
          .and.include("default-src 'none'");
      } finally {
        await app.close();
      }
    });
  });

  describe('settings', () => {
    const schema = (env: Record<string, string | undefined>) =>
      z.object({ ...commonVariables(env, 9464), WEB_PORT: port(3000) });
    const check = (env: Record<string, string | undefined>) => checkSettings(schema(env), env);

    it('when every value is good, then the typed settings, with HSTS on and JSON logs by default', () => {
      const result = check({ TOKEN_SECRET: 't'.repeat(32), JWT_SECRET: 'j'.repeat(32) });
      expect(result.ok).to.equal(true);
      if (result.ok)
        expect(result.settings).to.include({
          WEB_PORT: 3000,
          HSTS: true,
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'info',
          TOKEN_SECRET: 't'.repeat(32),
        });
      expect(
        check({ NODE_ENV: 'development', TOKEN_SECRET: 't'.repeat(32), JWT_SECRET: 'j'.repeat(32), HSTS: 'off' }),
      ).to.deep.include({ ok: true });
    });

    it('when values are bad, then one line per variable names it, the value given and what is allowed; a secret is never echoed', () => {
      const result = check({
        WEB_PORT: 'abc',
        HSTS: 'sometimes',
        LOG_LEVEL: 'loud',
        JWT_SECRET: 'short-secret-value',
        REDIS_URL: 'http://x',
      });
      expect(result).to.deep.equal({
        ok: false,
        problems: [
          'TOKEN_SECRET: is required (at least 32 bytes; npm start passes a development secret)',
          'JWT_SECRET: the value given has 18 bytes; it must be at least 32 bytes',
          'REDIS_URL: "http://x" is not a redis: or rediss: URL',
          'LOG_LEVEL: "loud" is not one of debug, info, warn, error, silent',
          'HSTS: "sometimes" is not on or off (on/off, true/false, yes/no, 1/0)',
          'WEB_PORT: "abc" is not a port (0-65535; 0 = any free port)',
        ],
      });
    });
  });
});
