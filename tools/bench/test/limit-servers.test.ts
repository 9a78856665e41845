// The limit servers are a fair limit only if they answer what the BFFs answer. Against both BFFs as real processes
// on the suite's database, each limit route's answer to the same request (same token, same page) is compared with
// the BFF's: the same status, the same Content-Encoding, the same JSON and the same bytes. The data is made through
// the domain's use cases, with what a presenter could get wrong: quotes, markup, newlines, emoji, edited posts,
// mentions in another case, an unregistered @name, an address that is not a mention.
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Pool } from 'pg';
import { editMicropost, followUser, postMicropost, type UserProfile } from '@microblog/domain';
import { makeUser, TEST_PASSWORD } from '@microblog/domain/testing';
import { createLimitServer } from '../src/limit-servers.ts';
import { startBff, type Bff } from '../src/processes.ts';
import { suite } from './setup.ts';

type Answer = { status: number; encoding: string | null; text: string };

async function get(url: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { headers: { 'accept-encoding': 'gzip', ...headers } });
  return { status: response.status, encoding: response.headers.get('content-encoding'), text: await response.text() };
}

let address = 0;
const nextAddress = () => `172.31.${(address >> 8) & 255}.${address++ & 255}`;

describe('limit servers: the same answer as the BFF for the same request', function () {
  this.timeout(60_000);
  let mobile: Bff;
  let web: Bff;
  let pool: Pool;
  let limitUrl: string;
  let stopLimit: () => Promise<void>;
  let viewer: UserProfile;
  let friend: UserProfile;
  let bearer: Record<string, string>;
  let cookie: Record<string, string>;

  /** The BFF's answer and the limit server's, for the same path and headers; both must be 200 unless `status`. */
  async function both(bff: Bff, path: string, headers: Record<string, string>, status = 200) {
    const [expected, actual] = await Promise.all([
      get(`${bff.url}${path}`, headers),
      get(`${limitUrl}${path}`, headers),
    ]);
    expect(expected.status, `${bff.name} ${path}: ${expected.text}`).to.equal(status);
    expect(actual.status, `limit server ${path}: ${actual.text}`).to.equal(status);
    return { expected, actual };
  }

  async function sameAnswer(bff: Bff, path: string, headers: Record<string, string>): Promise<unknown> {
    const { expected, actual } = await both(bff, path, headers);
    expect(JSON.parse(actual.text), path).to.deep.equal(JSON.parse(expected.text));
    expect(actual.text, `${path}: the same bytes`).to.equal(expected.text);
    expect(actual.encoding, `${path}: Content-Encoding`).to.equal(expected.encoding);
    return JSON.parse(expected.text);
  }

  before(async function () {
    this.timeout(120_000);
    const ctx = () => suite.database().context();
    viewer = await makeUser(ctx(), { displayName: 'Viewer "V" <b>&' });
    friend = await makeUser(ctx(), { displayName: "Friend 🙂 'F'" });
    const other = await makeUser(ctx(), { displayName: '' });
    for (const u of [friend, other]) await followUser(ctx(), { followerId: viewer.id, username: u.username });
    const texts = [
      `hello @${viewer.username.toUpperCase()} and @nobody_${viewer.username.slice(-6)}`,
      `<script>alert("x")</script> & 'quotes'`,
      'two\nlines\n\nand "double" quotes',
      `mail me at me@${friend.username} or @@${viewer.username}, @${other.username}!`,
      'emoji 🙂 and accents: café, naïve',
      `@${viewer.username}`,
      'a backslash \\ and a slash /',
      `two at once: @${viewer.username} & @${other.username.toUpperCase()}, again @${viewer.username}.`,
    ];
    const posts = [];
    for (let i = 0; i < 48; i++) {
      const author = [friend, other, viewer][i % 3] as UserProfile;
      posts.push(await postMicropost(ctx(), { authorId: author.id, text: `${texts[i % texts.length]} #${i}` }));
    }
    const edited = posts[3];
    if (edited)
      await editMicropost(ctx(), { actorId: friend.id, micropostId: edited.id, text: `edited @${viewer.username}` });

    [mobile, web] = await Promise.all([
      startBff('bff-mobile', { databaseUrl: suite.url(), logLevel: 'warn' }),
      startBff('bff-web', { databaseUrl: suite.url(), logLevel: 'warn' }),
    ]);
    const token = await fetch(`${mobile.url}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddress() },
      body: JSON.stringify({
        username: viewer.username,
        password: TEST_PASSWORD,
        device: { id: 'limit-test', name: 'limit test', platform: 'ios' },
      }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>);
    bearer = { authorization: `Bearer ${token.accessToken}` };
    const session = await fetch(`${web.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf': '1', 'x-forwarded-for': nextAddress() },
      body: JSON.stringify({ username: viewer.username, password: TEST_PASSWORD }),
    });
    const value = session.headers
      .getSetCookie()
      .map((c) => /^__Host-session=([^;]+)/.exec(c)?.[1])
      .find(Boolean);
    cookie = { cookie: `__Host-session=${value ?? ''}` };

    pool = new Pool({ connectionString: suite.url(), max: 2 });
    const server = createLimitServer(pool, {
      mobileJwtSecret: mobile.jwtSecret,
      webJwtSecret: web.jwtSecret,
      mobileTokenSecret: mobile.tokenSecret,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    limitUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stopLimit = () => new Promise((resolve) => server.close(() => resolve()));
  });

  after(async () => {
    await stopLimit?.();
    await pool?.end();
    await Promise.all([mobile?.stop(), web?.stop()]);
  });

  it('when the app asks GET /v1/me, then the limit server answers the same bytes', async () => {
    const body = (await sameAnswer(mobile, '/v1/me', bearer)) as { username: string };
    expect(body.username).to.equal(viewer.username);
  });

  it('when the app asks the first timeline page, then the limit server answers the same page, cursor and sync token (no write in flight: the same horizon), gzipped as the BFF gzips it', async () => {
    const body = (await sameAnswer(mobile, '/v1/timeline', bearer)) as {
      items: unknown[];
      syncToken?: string;
      nextCursor: string | null;
    };
    expect(body.items).to.have.length(20);
    expect(body.syncToken).to.be.a('string');
    expect(body.nextCursor).to.be.a('string');
    const { actual } = await both(mobile, '/v1/timeline', bearer);
    expect(actual.encoding).to.equal('gzip');
  });

  it('when the app asks a later timeline page by cursor (the deep-page row), then the answers are the same, to the last page', async () => {
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/v1/timeline?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await sameAnswer(mobile, path, bearer)) as { nextCursor: string | null };
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).to.equal(Math.ceil(48 / 7));
    const first = (await sameAnswer(mobile, '/v1/timeline?limit=20', bearer)) as { nextCursor: string };
    await sameAnswer(mobile, `/v1/timeline?cursor=${encodeURIComponent(first.nextCursor)}`, bearer);
  });

  it("when the app asks a user's posts, then the answers are the same for each page and for the name in another case", async () => {
    const page = (await sameAnswer(mobile, `/v1/users/${friend.username}/posts?limit=10`, bearer)) as {
      items: unknown[];
      nextCursor: string;
    };
    expect(page.items).to.have.length(10);
    await sameAnswer(
      mobile,
      `/v1/users/${friend.username}/posts?limit=10&cursor=${encodeURIComponent(page.nextCursor)}`,
      bearer,
    );
    await sameAnswer(mobile, `/v1/users/${friend.username.toUpperCase()}/posts`, bearer);
    await sameAnswer(mobile, `/v1/users/${friend.username}/posts`, {});
    await both(mobile, `/v1/users/no_such_${friend.username.slice(-8)}/posts`, bearer, 404);
  });

  it('when the browser asks the numbered timeline pages, then the items (escaped, mentions linked), totals and bytes are the same', async () => {
    const body = (await sameAnswer(web, '/api/v1/timeline?page=1&per_page=20', cookie)) as {
      items: { html: string }[];
      page: { totalItems: number };
    };
    expect(body.page.totalItems).to.equal(48);
    expect(body.items.map((i) => i.html).join('\n'))
      .to.include('<a href="/users/')
      .and.include('&lt;script&gt;')
      .and.include('<br>');
    // A post that mentions two users (one of them twice) is on the page: the path for several mentions is compared.
    expect(body.items.some((i) => (i.html.match(/<a href="\/users\//g) ?? []).length === 3)).to.equal(true);
    await sameAnswer(web, '/api/v1/timeline?page=3&per_page=20', cookie);
    await sameAnswer(web, '/api/v1/timeline?page=2&per_page=7', cookie);
    await sameAnswer(web, '/api/v1/timeline', cookie);
  });

  it('when the token or cookie is missing or forged, then both refuse with 401', async () => {
    await both(mobile, '/v1/me', {}, 401);
    await both(mobile, '/v1/timeline', { authorization: `${bearer.authorization ?? ''}x` }, 401);
    await both(web, '/api/v1/timeline?page=1&per_page=20', {}, 401);
  });
});
