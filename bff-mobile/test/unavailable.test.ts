import { openDatabase, type Database } from '@microblog/domain';
import { TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { device, JWT_SECRET, startApp, TEST_PASSWORD } from './helpers.ts';

describe('when the database is unreachable', () => {
  let down: Database;
  before(async () => {
    down = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/x', tokenSecret: TEST_TOKEN_SECRET });
  });
  after(async () => {
    await down.close();
  });

  it('then /healthz is 200, /readyz and the API are 503 unavailable with Retry-After, and the process stays up', async () => {
    const app = await startApp({ db: down });
    expect((await app.call('healthz', 'GET', '/healthz')).status).to.equal(200);
    const ready = await app.call('readyz', 'GET', '/readyz');
    expect(ready.status).to.equal(503);
    expect(ready.body.code).to.equal('unavailable');
    expect(ready.headers.get('retry-after')).to.equal('5');
    const signIn = await app.call('signIn', 'POST', '/v1/auth/token', {
      body: { username: 'someone', password: TEST_PASSWORD, device: device() },
    });
    expect(signIn.status).to.equal(503);
    expect(signIn.headers.get('retry-after')).to.equal('5');
    const token = jwt.sign({ sid: '1' }, JWT_SECRET, {
      algorithm: 'HS256',
      issuer: 'microblog',
      audience: 'bff-mobile',
      subject: '1',
      expiresIn: 60,
    });
    const me = await app.call('getTimeline', 'GET', '/v1/timeline', { token });
    expect(me.status).to.equal(503);
    expect(JSON.stringify(me.body)).to.not.match(/ECONNREFUSED|127\.0\.0\.1|stack/);
    expect((await app.call('getProfile', 'GET', '/v1/users/someone')).status).to.equal(503);
    expect((await app.call('healthz', 'GET', '/healthz')).status).to.equal(200);
  });
});
