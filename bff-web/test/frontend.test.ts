import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { expectProblem, request, startApp, type TestApp } from './helpers.ts';

describe('the single-page app', () => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    // A fake build next to a file outside it that must never be reachable.
    const root = mkdtempSync(path.join(os.tmpdir(), 'bff-web-frontend-'));
    dir = path.join(root, 'dist');
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET');
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>fake app</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(path.join(dir, '.env'), 'SECRET=1');
    t = await startApp({ staticDir: dir });
  });
  after(async () => {
    await t.close();
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('when / is asked for, then index.html with no-cache and the security headers', async () => {
    const answer = await request(t, 'GET', '/');
    expect(answer.status).to.equal(200);
    expect(answer.text).to.include('fake app');
    expect(answer.headers.get('content-type')).to.match(/^text\/html/);
    expect(answer.headers.get('cache-control')).to.equal('no-cache');
    expect(answer.headers.get('x-frame-options')).to.equal('DENY');
  });

  it('when a browser navigates to a client route, then index.html (the app routes it)', async () => {
    for (const route of ['/users/someone', '/microposts/12', '/search?q=abc']) {
      const answer = await request(t, 'GET', route, {
        headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      });
      expect(answer.status, route).to.equal(200);
      expect(answer.text).to.include('fake app');
    }
  });

  it('when a hashed asset is asked for, then it comes with its type and an immutable cache policy', async () => {
    const js = await request(t, 'GET', '/assets/index-abc123.js');
    expect(js.status).to.equal(200);
    expect(js.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(js.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    const css = await request(t, 'GET', '/assets/index-abc123.css');
    expect(css.headers.get('content-type')).to.match(/^text\/css/);
    const svg = await request(t, 'GET', '/favicon.svg');
    expect(svg.headers.get('content-type')).to.equal('image/svg+xml');
    expect(svg.headers.get('cache-control')).to.equal('no-cache');
  });

  it('when HEAD is asked for, then the headers come without a body', async () => {
    const answer = await request(t, 'HEAD', '/assets/index-abc123.js');
    expect(answer.status).to.equal(200);
    expect(answer.text).to.equal('');
    expect(answer.headers.get('content-length')).to.equal(String('console.log("app")'.length));
  });

  it('when a missing asset is asked for, then 404 (not index.html)', async () => {
    expectProblem(await request(t, 'GET', '/assets/missing.js'), 404, 'not_found');
  });

  it('when a path tries to climb out of the folder or reach a dotfile, then nothing outside is served', async () => {
    for (const attempt of [
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/.env',
      '/assets/%00.js',
      '/%E0%A4%A',
    ]) {
      const answer = await request(t, 'GET', attempt);
      expect(answer.text, attempt).not.to.include('TOP SECRET').and.not.include('SECRET=1');
    }
    // fetch itself resolves a literal or %2e%2e segment, so only encoded slashes reach the server as a climb.
    expectProblem(await request(t, 'GET', '/..%2fsecret.txt'), 404);
    expectProblem(await request(t, 'GET', '/assets/..%2f..%2fsecret.txt'), 404);
  });

  it('when a non-GET hits an app path, then 405 problem+json', async () => {
    const answer = await request(t, 'POST', '/users/someone', { body: {} });
    expectProblem(answer, 405, 'method_not_allowed');
  });

  it('when the app has not been built, then / answers 503 naming the build command', async () => {
    const empty = await startApp({ staticDir: path.join(os.tmpdir(), 'bff-web-no-such-dist-folder') });
    try {
      const answer = await request(t.origin === empty.origin ? t : empty, 'GET', '/');
      expectProblem(answer, 503, 'unavailable');
      expect(answer.body.detail).to.equal('frontend not built; run npm run build -w bff-web');
    } finally {
      await empty.close();
    }
  });
  it('when a script (not a browser navigation) asks for an unknown path, then 404 problem+json, never the app', async () => {
    for (const route of ['/metrics', '/package.json', '/users/someone']) {
      const answer = await request(t, 'GET', route, { headers: { Accept: 'application/json' } });
      expectProblem(answer, 404, 'not_found');
      expect(answer.text, route).not.to.include('fake app');
    }
  });

  it('when a file is asked again with its ETag, then 304 without a body; a large one is sent compressed', async () => {
    const first = await request(t, 'GET', '/assets/index-abc123.js');
    const etag = first.headers.get('etag');
    expect(etag).to.match(/^W\/"/);
    const again = await request(t, 'GET', '/assets/index-abc123.js', { headers: { 'If-None-Match': etag! } });
    expect(again.status).to.equal(304);
    expect(again.text).to.equal('');
    const page = await request(t, 'GET', '/', {
      headers: { 'If-None-Match': (await request(t, 'GET', '/')).headers.get('etag')! },
    });
    expect(page.status).to.equal(304);
  });
});
