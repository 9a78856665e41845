import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createWebClient } from '../src/client.ts';
import { micropost, sessionInfo } from './samples.ts';
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

describe('the typed web client', () => {
  it('when it writes, then the request carries X-CSRF: 1 and a JSON body without the caller passing the header', async () => {
    const { fetch, seen } = fakeFetch(() => json(201, micropost()));
    const client = createWebClient({ baseUrl: 'http://bff.test', fetch });
    const { data, error } = await client.POST('/api/v1/microposts', { body: { text: 'hello' } });
    expect(error).to.equal(undefined);
    expect(data?.id).to.equal(micropost().id);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.deep.include({
      method: 'POST',
      url: 'http://bff.test/api/v1/microposts',
      body: '{"text":"hello"}',
    });
    expect(seen[0]!.headers).to.include({ 'x-csrf': '1', 'content-type': 'application/json' });
  });

  it('when it reads, then no X-CSRF is sent and the query and path are encoded', async () => {
    const { fetch, seen } = fakeFetch(() =>
      json(200, { items: [], page: { number: 2, size: 20, totalItems: 0, totalPages: 1 } }),
    );
    const client = createWebClient({ baseUrl: 'http://bff.test', fetch, headers: { Accept: 'application/json' } });
    await client.GET('/api/v1/users/{username}/microposts', {
      params: { path: { username: 'a b' }, query: { page: '2' } },
    });
    expect(seen[0]).to.deep.include({ method: 'GET', url: 'http://bff.test/api/v1/users/a%20b/microposts?page=2' });
    expect(seen[0]!.headers).to.not.have.property('x-csrf');
    expect(seen[0]!.headers).to.include({ accept: 'application/json' });
  });

  it('when every kind of write is sent, then each carries X-CSRF: 1', async () => {
    const { fetch, seen } = fakeFetch((request) =>
      request.method === 'DELETE' ? new Response(null, { status: 204 }) : json(200, sessionInfo()),
    );
    const client = createWebClient({ baseUrl: 'http://bff.test', fetch });
    await client.PUT('/api/v1/users/{username}/follow', { params: { path: { username: 'ada_l' } } });
    await client.PATCH('/api/v1/me', { body: { bio: 'hi' } });
    await client.DELETE('/api/v1/session');
    expect(seen.map((s) => [s.method, s.headers['x-csrf']])).to.deep.equal([
      ['PUT', '1'],
      ['PATCH', '1'],
      ['DELETE', '1'],
    ]);
  });

  it('when the server answers a problem, then it is the typed error and data is absent', async () => {
    const problem: components['schemas']['ValidationProblem'] = {
      type: 'https://microblog.example/problems/validation_failed',
      title: 'Validation failed',
      status: 422,
      code: 'validation_failed',
      errors: [{ field: 'text', message: 'is too long' }],
    };
    const { fetch } = fakeFetch(() => json(422, problem, 'application/problem+json'));
    const client = createWebClient({ baseUrl: 'http://bff.test', fetch });
    const { data, error, response } = await client.POST('/api/v1/microposts', { body: { text: 'x'.repeat(300) } });
    expect(data).to.equal(undefined);
    expect(response.status).to.equal(422);
    expect(error).to.deep.equal(problem);
  });

  it('when a call does not match the contract, then it does not type-check (checked by `npm run typecheck`)', () => {
    const client = createWebClient({ baseUrl: 'http://bff.test' });
    const neverRun = (): void => {
      // @ts-expect-error an unknown path
      void client.GET('/api/v1/nowhere');
      // @ts-expect-error a body without its required field
      void client.POST('/api/v1/microposts', { body: {} });
      // @ts-expect-error a path parameter left out
      void client.GET('/api/v1/users/{username}');
      // @ts-expect-error a response field the contract does not have
      void client.GET('/api/v1/timeline').then(({ data }) => data?.posts);
    };
    expect(neverRun).to.be.a('function');
  });

  it('when the browser imports the client, then it pulls in openapi-fetch and types only (no zod)', () => {
    const source = readFileSync(new URL('../src/client.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import (type )?.* from '([^']+)';$/gm)].map((m) => `${m[1] ?? ''}${m[2]}`);
    expect(imports).to.deep.equal(['openapi-fetch', 'type openapi-fetch', 'type ./generated/openapi-types.ts']);
  });
});
