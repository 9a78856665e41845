import { expect } from 'chai';
import { post, signUp, startApp } from './helpers.ts';

describe('conditional GETs', () => {
  it('when a GET answers 200, then it has an ETag, and If-None-Match with it gives 304 with no body and the same ETag', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const first = await app.call('getMe', 'GET', '/v1/me', { token: user.token });
    const etag = first.headers.get('etag');
    expect(etag).to.match(/^W\/"[A-Za-z0-9_-]+"$/);
    const again = await app.call('getMe', 'GET', '/v1/me', { token: user.token, headers: { 'if-none-match': etag! } });
    expect(again.status).to.equal(304);
    expect(again.body).to.equal(undefined);
    expect(again.headers.get('etag')).to.equal(etag);
    const list = await app.call('getMe', 'GET', '/v1/me', {
      token: user.token,
      headers: { 'if-none-match': `"other", ${etag!.slice(2)}` },
    });
    expect(list.status).to.equal(304);
  });

  it('when the resource changes, then the ETag changes and the old one gets a 200', async () => {
    const app = await startApp();
    const user = await signUp(app);
    const before = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`);
    await post(app, user, 'news');
    const after = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`, {
      headers: { 'if-none-match': before.headers.get('etag')! },
    });
    expect(after.status).to.equal(200);
    expect(after.headers.get('etag')).to.not.equal(before.headers.get('etag'));
    expect(after.body.items).to.have.length(1);
  });

  it('when a GET fails, then no ETag is sent', async () => {
    const app = await startApp();
    const answer = await app.call('getProfile', 'GET', '/v1/users/nobody_here_at_all');
    expect(answer.status).to.equal(404);
    expect(answer.headers.get('etag')).to.equal(null);
  });
});

describe('compression', () => {
  it('when a response is over 1 KiB and the client accepts gzip or br, then it is compressed', async () => {
    const app = await startApp();
    const user = await signUp(app);
    for (let i = 0; i < 8; i++) await post(app, user, `${'long text '.repeat(20)}${i}`);
    for (const encoding of ['gzip', 'br']) {
      const answer = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`, {
        headers: { 'accept-encoding': encoding },
      });
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('content-encoding')).to.equal(encoding);
      expect(answer.body.items).to.have.length(8);
    }
    const plain = await app.call('listUserPosts', 'GET', `/v1/users/${user.username}/posts`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers.get('content-encoding')).to.equal(null);
  });

  it('when a response is small, then it is sent as is', async () => {
    const app = await startApp();
    const answer = await app.call('healthz', 'GET', '/healthz', { headers: { 'accept-encoding': 'gzip' } });
    expect(answer.headers.get('content-encoding')).to.equal(null);
  });
});

describe('app versions', () => {
  it('when X-App-Version is below the minimum (prereleases included), then 426 upgrade_required names the minimum', async () => {
    const app = await startApp({ settings: { minAppVersion: '1.2.0' } });
    for (const version of ['1.1.9', '0.9.0', '1.2.0-rc.1']) {
      const answer = await app.call('getProfile', 'GET', '/v1/users/anyone', { headers: { 'x-app-version': version } });
      expect(answer.status, version).to.equal(426);
      expect(answer.body).to.include({ code: 'upgrade_required', minVersion: '1.2.0' });
    }
    const write = await app.call('signIn', 'POST', '/v1/auth/token', {
      headers: { 'x-app-version': '1.0.0' },
      body: {},
    });
    expect(write.status).to.equal(426);
  });

  it('when X-App-Version is at or above the minimum or absent, then the request is served', async () => {
    const app = await startApp({ settings: { minAppVersion: '1.2.0' } });
    const user = await signUp(app);
    for (const version of ['1.2.0', '1.2.1-beta', '1.10.0', '2.0.0+build.7']) {
      const answer = await app.call('getMe', 'GET', '/v1/me', {
        token: user.token,
        headers: { 'x-app-version': version },
      });
      expect(answer.status, version).to.equal(200);
    }
  });

  it('when X-App-Version is malformed, then 400', async () => {
    const app = await startApp();
    for (const version of ['1.2', 'v1.2.3', '01.2.3', 'latest']) {
      const answer = await app.call('getProfile', 'GET', '/v1/users/anyone', { headers: { 'x-app-version': version } });
      expect(answer.status, version).to.equal(400);
    }
  });

  it('when an unversioned route gets an old version, then it is still served', async () => {
    const app = await startApp({ settings: { minAppVersion: '9.0.0' } });
    expect((await app.call('healthz', 'GET', '/healthz', { headers: { 'x-app-version': '1.0.0' } })).status).to.equal(
      200,
    );
  });
});

describe('the HTTP surface', () => {
  it('when a path is unknown or the method is wrong, then 404 or 405 as problem+json', async () => {
    const app = await startApp();
    const missing = await app.raw('GET', '/v1/nothing-here');
    expect(missing.status).to.equal(404);
    expect(missing.body.code).to.equal('not_found');
    const wrong = await app.raw('PUT', '/v1/timeline', { body: {} });
    expect(wrong.status).to.equal(405);
    expect(wrong.body.code).to.equal('method_not_allowed');
  });

  it('when any answer is sent, then it carries the security headers and no CORS headers', async () => {
    const app = await startApp();
    const answer = await app.call('healthz', 'GET', '/healthz', { headers: { origin: 'https://evil.example' } });
    expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(answer.headers.get('content-security-policy')).to.match(/default-src 'none'/);
    expect(answer.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('when /healthz and /readyz are asked, then both are ok', async () => {
    const app = await startApp();
    expect((await app.call('healthz', 'GET', '/healthz')).body).to.deep.equal({ status: 'ok' });
    expect((await app.call('readyz', 'GET', '/readyz')).body).to.deep.equal({ status: 'ok' });
  });

  it('when /openapi.json is asked, then it is the committed contract document', async () => {
    const app = await startApp();
    const answer = await app.call('getOpenApiDocument', 'GET', '/openapi.json');
    expect(answer.body.paths).to.have.property('/v1/posts');
    const { default: committed } = await import('@microblog/mobile-contract/openapi.json', { with: { type: 'json' } });
    expect(answer.body).to.deep.equal(committed);
  });

  it('when /docs is asked, then an HTML page loads Swagger UI from our own assets, allowed by the CSP', async () => {
    const app = await startApp();
    const page = await app.call('getDocs', 'GET', '/docs');
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    expect(page.body)
      .to.include('/docs/assets/swagger-ui-bundle.js')
      .and.not.match(/https?:\/\//);
    expect(page.headers.get('content-security-policy')).to.match(/script-src 'self'/);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui.css', 'init.js']) {
      const answer = await app.raw('GET', `/docs/assets/${asset}`);
      expect(answer.status, asset).to.equal(200);
    }
    expect((await app.raw('GET', '/docs/assets/index.html')).status).to.equal(404);
    expect((await app.raw('GET', '/docs/assets/..%2Fpackage.json')).status).to.equal(404);
  });
});

describe('the API index', () => {
  it('when GET /v1 is asked (the launcher prints it), then 200 with links to the docs and the contract', async () => {
    const app = await startApp();
    const answer = await app.raw('GET', '/v1');
    expect(answer.status).to.equal(200);
    expect(answer.body.links).to.deep.equal({ docs: '/docs', openapi: '/openapi.json' });
    expect(answer.headers.get('strict-transport-security')).to.match(/^max-age=\d+; includeSubDomains$/);
  });
});
