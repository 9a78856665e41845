import { expect } from 'chai';
import { call, expectProblem, request, signUp, startApp, type Answer, type TestApp } from './helpers.ts';

function expectSecurityHeaders(answer: Answer): void {
  expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
  const csp = answer.headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ]) {
    expect(csp).to.include(directive);
  }
  expect(answer.headers.get('referrer-policy')).to.equal('no-referrer');
  expect(answer.headers.get('x-frame-options')).to.equal('DENY');
  expect(answer.headers.get('cross-origin-opener-policy')).to.equal('same-origin');
}

function expectNoCors(answer: Answer): void {
  for (const name of answer.headers.keys()) expect(name).not.to.match(/^access-control-/);
}

describe('HTTP basics: headers, ids, errors, health and docs', () => {
  let t: TestApp;
  before(async () => {
    t = await startApp();
  });
  after(() => t.close());

  it('when anything answers (success, problem, 404, docs), then it carries the security headers', async () => {
    expectSecurityHeaders(await call(t, 'healthz', 'GET', '/healthz'));
    expectSecurityHeaders(await call(t, 'getSession', 'GET', '/api/v1/session'));
    expectSecurityHeaders(await request(t, 'GET', '/api/v1/nope'));
    expectSecurityHeaders(
      await call(t, 'createMicropost', 'POST', '/api/v1/microposts', { body: { text: 'x' }, csrf: false }),
    );
    expectSecurityHeaders(await call(t, 'getDocs', 'GET', '/docs'));
  });

  it('when a request is sent with an Origin (even a foreign one, or a preflight), then no CORS header is ever sent', async () => {
    const user = await signUp(t);
    expectNoCors(
      await call(t, 'getSession', 'GET', '/api/v1/session', {
        cookie: user.cookie,
        headers: { Origin: 'https://evil.example' },
      }),
    );
    expectNoCors(
      await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie, headers: { Origin: t.origin } }),
    );
    expectNoCors(
      await call(t, 'createMicropost', 'POST', '/api/v1/microposts', {
        cookie: user.cookie,
        body: { text: 'x' },
        headers: { Origin: 'https://evil.example' },
      }),
    );
    const preflight = await request(t, 'OPTIONS', '/api/v1/microposts', {
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-csrf',
      },
    });
    expectNoCors(preflight);
  });

  it('when the client sends a sane X-Request-Id, then it is echoed; when it sends a bad one or none, then a new one is made', async () => {
    const echoed = await call(t, 'healthz', 'GET', '/healthz', { headers: { 'X-Request-Id': 'abc-123.XYZ_9' } });
    expect(echoed.headers.get('x-request-id')).to.equal('abc-123.XYZ_9');
    for (const bad of ['has space', 'x'.repeat(129), '<script>']) {
      const answer = await call(t, 'healthz', 'GET', '/healthz', { headers: { 'X-Request-Id': bad } });
      expect(answer.headers.get('x-request-id'))
        .to.match(/^[A-Za-z0-9._-]{1,128}$/)
        .and.not.equal(bad);
    }
    const problem = await call(t, 'getSession', 'GET', '/api/v1/session', { headers: { 'X-Request-Id': 'trace-me' } });
    expect(problem.headers.get('x-request-id')).to.equal('trace-me');
  });

  it('when an unknown /api path is asked for, then 404 problem+json (never the app page)', async () => {
    for (const path of ['/api', '/api/', '/api/v1/nope', '/api/v2/timeline']) {
      const answer = await request(t, 'GET', path);
      expectProblem(answer, 404, 'not_found');
    }
  });

  it('when a known /api path is called with another method, then 405 problem+json naming the allowed ones', async () => {
    const answer = await request(t, 'POST', '/api/v1/timeline', { body: {} });
    expectProblem(answer, 405, 'method_not_allowed');
    expect(answer.headers.get('allow')).to.include('GET');
  });

  it('when GET /healthz, then 200 ok without touching the database', async () => {
    const answer = await call(t, 'healthz', 'GET', '/healthz');
    expect(answer.body).to.deep.equal({ status: 'ok' });
  });

  it('when GET /readyz with the database up, then 200 ok', async () => {
    const answer = await call(t, 'readyz', 'GET', '/readyz');
    expect(answer.status).to.equal(200);
  });

  it('when GET /openapi.json, then the committed OpenAPI 3.1 document', async () => {
    const answer = await call(t, 'getOpenApiDocument', 'GET', '/openapi.json');
    expect(answer.status).to.equal(200);
    expect(answer.body.openapi).to.match(/^3\.1\./);
    expect(Object.keys(answer.body.paths)).to.include('/api/v1/microposts');
  });

  it('when GET /docs, then an HTML page that loads swagger-ui from this server only, and its assets are served', async () => {
    const answer = await call(t, 'getDocs', 'GET', '/docs');
    expect(answer.headers.get('content-type')).to.match(/^text\/html/);
    expect(answer.text)
      .to.include('/docs/assets/swagger-ui-bundle.js')
      .and.not.match(/https?:\/\//);
    expect(answer.text).not.to.match(/<script>[^<]/);
    expect(answer.headers.get('content-security-policy')).to.include("style-src 'self' 'unsafe-inline'");
    for (const [asset, type] of [
      ['swagger-ui-bundle.js', /javascript/],
      ['swagger-ui.css', /text\/css/],
      ['init.js', /javascript/],
    ] as const) {
      const file = await request(t, 'GET', `/docs/assets/${asset}`);
      expect(file.status, asset).to.equal(200);
      expect(file.headers.get('content-type')).to.match(type);
    }
    expect((await request(t, 'GET', '/docs/assets/init.js')).text).to.include("url: '/openapi.json'");
    expectProblem(await request(t, 'GET', '/docs/assets/package.json'), 404);
    expectProblem(await request(t, 'GET', '/docs/assets/..%2f..%2fpackage.json'), 404);
  });

  it('when the API CSP is read, then it has no unsafe-inline outside /docs', async () => {
    const answer = await call(t, 'healthz', 'GET', '/healthz');
    expect(answer.headers.get('content-security-policy')).not.to.include('unsafe-inline');
  });
  it('when anything answers, then HSTS is sent; with HSTS=off (plain-HTTP development) it is not', async () => {
    expect((await call(t, 'healthz', 'GET', '/healthz')).headers.get('strict-transport-security')).to.match(
      /^max-age=\d+; includeSubDomains$/,
    );
    const plain = await startApp({ env: { HSTS: 'off' } });
    try {
      expect((await call(plain, 'healthz', 'GET', '/healthz')).headers.get('strict-transport-security')).to.equal(null);
    } finally {
      await plain.close();
    }
  });

  it('when the Swagger UI bundle is asked by a browser, then it comes compressed, with an ETag that answers 304', async () => {
    const bundle = await fetch(`${t.origin}/docs/assets/swagger-ui-bundle.js`, {
      headers: { 'Accept-Encoding': 'br, gzip' },
    });
    expect(bundle.status).to.equal(200);
    expect(bundle.headers.get('content-encoding')).to.be.oneOf(['br', 'gzip']);
    await bundle.arrayBuffer();
    const again = await fetch(`${t.origin}/docs/assets/swagger-ui-bundle.js`, {
      headers: { 'If-None-Match': bundle.headers.get('etag')! },
    });
    expect(again.status).to.equal(304);
  });

  it('when API JSON is asked again with its ETag, then 304; large JSON is compressed', async () => {
    const user = await signUp(t);
    const first = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: user.cookie });
    const etag = first.headers.get('etag');
    expect(etag).to.match(/^W\/"/);
    expect(first.headers.get('vary')).to.match(/Cookie/);
    const again = await request(t, 'GET', '/api/v1/session', {
      cookie: user.cookie,
      headers: { 'If-None-Match': etag! },
    });
    expect(again.status).to.equal(304);
    const openapi = await fetch(`${t.origin}/openapi.json`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(openapi.headers.get('content-encoding')).to.equal('gzip');
  });
});
