import { createSecretKey } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { openDatabase, type Database } from '@microblog/domain';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { call, expectProblem, startApp, TEST_JWT_SECRET, type TestApp } from './helpers.ts';

describe('when the database is unreachable', () => {
  let t: TestApp;
  let db: Database;
  before(async () => {
    // Port 1 on loopback: nothing listens there, so every connection is refused at once.
    db = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/x', tokenSecret: TEST_TOKEN_SECRET });
    t = await startApp({ db });
  });
  after(async () => {
    await t.close();
    await db.close();
  });

  it('then /healthz still answers 200', async () => {
    expect((await call(t, 'healthz', 'GET', '/healthz')).status).to.equal(200);
  });

  it('then /readyz answers 503 unavailable with Retry-After', async () => {
    const answer = await call(t, 'readyz', 'GET', '/readyz');
    expectProblem(answer, 503, 'unavailable');
    expect(answer.headers.get('retry-after')).to.equal('5');
  });

  it('then an API read answers 503 unavailable with Retry-After, and no connection detail', async () => {
    const answer = await call(t, 'getProfile', 'GET', '/api/v1/users/someone');
    expectProblem(answer, 503, 'unavailable');
    expect(answer.headers.get('retry-after')).to.equal('5');
    expect(answer.text).not.to.match(/ECONNREFUSED|127\.0\.0\.1|postgres/);
  });

  it('then sign-in answers 503, not 401', async () => {
    const answer = await call(t, 'signIn', 'POST', '/api/v1/session', {
      body: { username: 'someone', password: 'whatever it is' },
    });
    expectProblem(answer, 503, 'unavailable');
  });

  it('then a route with a valid cookie answers 503 rather than treating the user as signed out', async () => {
    const token = jwt.sign({ sid: '1' }, createSecretKey(Buffer.from(TEST_JWT_SECRET)), {
      algorithm: 'HS256',
      issuer: 'microblog',
      audience: 'bff-web',
      subject: '1',
      expiresIn: 600,
    });
    const required = await call(t, 'getSession', 'GET', '/api/v1/session', { cookie: `__Host-session=${token}` });
    expectProblem(required, 503, 'unavailable');
    const optional = await call(t, 'getMicropost', 'GET', '/api/v1/microposts/1', {
      cookie: `__Host-session=${token}`,
    });
    expectProblem(optional, 503, 'unavailable');
  });
});
