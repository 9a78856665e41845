import { expect } from 'chai';
import { BASE_PATH, operations } from '../src/index.ts';
import type { Operation } from '../src/index.ts';

const entries = Object.entries(operations) as [string, Operation][];

describe('the operation table', () => {
  it('when an operation has path params, then each appears in its path and every {param} of the path is declared', () => {
    for (const [operationId, op] of entries) {
      const inPath = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = Object.keys(op.request.params?.shape ?? {}).sort();
      expect(declared, operationId).to.deep.equal(inPath);
    }
  });

  it('when an operation is versioned, then its path is under /v1 and it answers 426 and 503', () => {
    for (const [operationId, op] of entries.filter(([, op]) => !op.unversioned)) {
      expect(op.path.startsWith(`${BASE_PATH}/`), operationId).to.equal(true);
      expect(op.responses, operationId).to.include.keys('426', '503');
      expect(op.request.headers?.shape, operationId).to.have.property('x-app-version');
    }
  });

  it('when an operation answers 204 or 304, then that status has no body schema', () => {
    for (const [operationId, op] of entries) {
      const responses: Partial<Record<number, unknown>> = op.responses;
      for (const status of [204, 304]) if (status in responses) expect(responses[status], operationId).to.equal(null);
    }
  });

  it('when an operation takes a body, then it documents 400, 413, 415 and 422', () => {
    for (const [operationId, op] of entries.filter(([, op]) => op.request.body !== undefined)) {
      expect(op.responses, operationId).to.include.keys('400', '413', '415', '422');
    }
  });

  it('when an operation needs or accepts auth, then it documents 401', () => {
    for (const [operationId, op] of entries.filter(([, op]) => op.auth !== 'none')) {
      expect(op.responses, operationId).to.include.keys('401');
    }
  });

  it('when two operations share a path, then they differ in method', () => {
    const seen = new Set(entries.map(([, op]) => `${op.method} ${op.path}`));
    expect(seen.size).to.equal(entries.length);
  });

  it('when listed, then every route of the design table is there', () => {
    const routes = new Set(entries.map(([, op]) => `${op.method.toUpperCase()} ${op.path}`));
    const expected = [
      'POST /v1/users',
      'POST /v1/auth/token',
      'POST /v1/auth/refresh',
      'POST /v1/auth/logout',
      'GET /v1/me/sessions',
      'DELETE /v1/me/sessions/{id}',
      'GET /v1/me',
      'PATCH /v1/me',
      'GET /v1/users/{username}',
      'GET /v1/users/{username}/posts',
      'GET /v1/timeline',
      'GET /v1/timeline/changes',
      'GET /v1/me/markers/timeline',
      'PUT /v1/me/markers/timeline',
      'POST /v1/posts',
      'PATCH /v1/posts/{id}',
      'DELETE /v1/posts/{id}',
      'PUT /v1/users/{username}/follow',
      'DELETE /v1/users/{username}/follow',
      'GET /v1/users/{username}/followers',
      'GET /v1/users/{username}/following',
      'GET /v1/search',
      'POST /v1/me/push-tokens',
      'DELETE /v1/me/push-tokens/{token}',
      'GET /healthz',
      'GET /readyz',
      'GET /openapi.json',
      'GET /docs',
      // Issue 13: a post's own address.
      'GET /v1/posts/{id}',
      'GET /v1/me/notifications',
      'GET /v1/me/notifications/unread',
      'PUT /v1/me/notifications/read-marker',
      'GET /v1/search/users',
      'GET /v1/me/suggestions',
      'PUT /v1/me/password',
      'POST /v1/me/deletion',
      // OpenID Connect sign-in and linked sign-ins (1.1.0)
      'GET /v1/auth/providers',
      'POST /v1/auth/providers/{provider}/token',
      'POST /v1/auth/provider-signup',
      'GET /v1/me/sign-in-methods',
      'POST /v1/me/sign-in-methods/{provider}',
      'DELETE /v1/me/sign-in-methods/{provider}',
    ];
    expect([...routes].sort()).to.deep.equal(expected.sort());
  });
});
