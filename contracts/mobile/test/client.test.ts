import { expect } from 'chai';
import { createMobileClient } from '../src/client.ts';
import type { components } from '../src/index.ts';

type Seen = { method: string; url: string; headers: Record<string, string>; body: string };

/** A fetch that records each request and answers with `answer`. */
function fakeFetch(answer: (request: Request) => Response): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    seen.push({
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(request.headers),
      body: await request.clone().text(),
    });
    return answer(request);
  };
  return { fetch: fake as typeof fetch, seen };
}

const json = (status: number, body: unknown, type = 'application/json'): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
const post: components['schemas']['Micropost'] = {
  id: '10',
  authorId: '1',
  text: 'hello',
  createdAt: '2025-01-31T12:00:00.000Z',
  editedAt: null,
};

describe('the typed mobile client', () => {
  it('when a token provider is set, then every request carries its current token as a bearer and the app version', async () => {
    const { fetch, seen } = fakeFetch(() => json(201, post));
    let token = 'first';
    const client = createMobileClient({ baseUrl: 'http://bff.test', fetch, appVersion: '1.4.0', token: () => token });
    const { data } = await client.POST('/v1/posts', {
      body: { text: 'hello' },
      params: { header: { 'Idempotency-Key': 'k1' } },
    });
    token = 'second';
    await client.POST('/v1/posts', { body: { text: 'hello' }, params: { header: { 'Idempotency-Key': 'k2' } } });
    expect(data).to.deep.equal(post);
    expect(seen[0]!.headers).to.include({
      authorization: 'Bearer first',
      'x-app-version': '1.4.0',
      'idempotency-key': 'k1',
    });
    expect(seen[1]!.headers).to.include({ authorization: 'Bearer second', 'idempotency-key': 'k2' });
    expect(seen[0]).to.deep.include({ method: 'POST', url: 'http://bff.test/v1/posts', body: '{"text":"hello"}' });
  });

  it('when signed out (no provider, or it gives nothing), then no Authorization header is sent', async () => {
    const { fetch, seen } = fakeFetch(() => json(200, { items: [], users: {}, nextCursor: null }));
    const client = createMobileClient({ baseUrl: 'http://bff.test', fetch });
    await client.GET('/v1/search', { params: { query: { q: 'hello', limit: '5' } } });
    client.setTokenProvider(async () => null);
    await client.GET('/v1/users/{username}/posts', { params: { path: { username: 'a b' } } });
    client.setTokenProvider(() => 'later');
    client.setTokenProvider(null);
    await client.GET('/v1/users/{username}/posts', { params: { path: { username: 'alice' } } });
    expect(seen.map((s) => [s.url, s.headers['authorization'], s.headers['x-app-version']])).to.deep.equal([
      ['http://bff.test/v1/search?q=hello&limit=5', undefined, undefined],
      ['http://bff.test/v1/users/a%20b/posts', undefined, undefined],
      ['http://bff.test/v1/users/alice/posts', undefined, undefined],
    ]);
  });

  it('when a request sets its own Authorization or X-App-Version, then the client leaves them alone', async () => {
    const { fetch, seen } = fakeFetch(() => json(200, { items: [] }));
    const client = createMobileClient({ baseUrl: 'http://bff.test', fetch, appVersion: '1.4.0', token: () => 'mine' });
    await client.GET('/v1/me/sessions', {
      headers: { Authorization: 'Bearer other' },
      params: { header: { 'X-App-Version': '0.9.0' } },
    });
    expect(seen[0]!.headers).to.include({ authorization: 'Bearer other', 'x-app-version': '0.9.0' });
  });

  it('when the server answers a problem, then it is the typed error', async () => {
    const problem: components['schemas']['UpgradeRequiredProblem'] = {
      type: 'https://microblog.example/problems/upgrade_required',
      title: 'Upgrade required',
      status: 426,
      code: 'upgrade_required',
      minVersion: '1.2.0',
    };
    const { fetch } = fakeFetch(() => json(426, problem, 'application/problem+json'));
    const client = createMobileClient({ baseUrl: 'http://bff.test', fetch, appVersion: '1.0.0' });
    const { data, error, response } = await client.GET('/v1/timeline');
    expect(data).to.equal(undefined);
    expect(response.status).to.equal(426);
    expect(error).to.deep.equal(problem);
  });

  it('when a call does not match the contract, then it does not type-check (checked by `npm run typecheck`)', () => {
    const client = createMobileClient({ baseUrl: 'http://bff.test' });
    const neverRun = (): void => {
      // @ts-expect-error an unknown path
      void client.GET('/v1/nowhere');
      // @ts-expect-error POST /v1/posts without its required Idempotency-Key
      void client.POST('/v1/posts', { body: { text: 'hello' } });
      // @ts-expect-error a body without its required field
      void client.PATCH('/v1/posts/{id}', { params: { path: { id: '1' } }, body: {} });
      // @ts-expect-error a response field the contract does not have
      void client.GET('/v1/timeline').then(({ data }) => data?.posts);
    };
    expect(neverRun).to.be.a('function');
  });
});
