import { expect } from 'chai';
import { CsrfHeaders, ForbiddenProblem, operations } from '../src/index.ts';
import type { Operation } from '../src/index.ts';

const entries = Object.entries(operations) as [string, Operation][];
const apiEntries = entries.filter(([, op]) => op.path.startsWith('/api/'));
// Sign-in steps that answer 401 without requiring a session: a wrong password, a rejected provider answer.
const SIGN_IN_STEPS = new Set(['signIn', 'startProviderSignIn', 'finishProviderSignIn', 'finishProviderSignUp']);

describe('operations', () => {
  it('when listed, then every route of the bff-web design table is there exactly once', () => {
    const routes = apiEntries.map(([, op]) => `${op.method.toUpperCase()} ${op.path}`).sort();
    expect(routes).to.deep.equal(
      [
        'POST /api/v1/users',
        'POST /api/v1/session',
        'GET /api/v1/session',
        'DELETE /api/v1/session',
        'GET /api/v1/users/{username}',
        'PATCH /api/v1/me',
        'PUT /api/v1/me/password',
        'GET /api/v1/users/{username}/microposts',
        'GET /api/v1/timeline',
        'POST /api/v1/microposts',
        'GET /api/v1/microposts/{id}',
        'PATCH /api/v1/microposts/{id}',
        'DELETE /api/v1/microposts/{id}',
        'PUT /api/v1/users/{username}/follow',
        'DELETE /api/v1/users/{username}/follow',
        'GET /api/v1/users/{username}/followers',
        'GET /api/v1/users/{username}/following',
        'GET /api/v1/search',
        // Issue 13: notifications.
        'GET /api/v1/notifications',
        'GET /api/v1/notifications/unread',
        'PUT /api/v1/notifications/read-marker',
        // Issue 13: people.
        'GET /api/v1/search/users',
        'GET /api/v1/suggestions',
        // Issue 13: account control.
        'GET /api/v1/me/sessions',
        'DELETE /api/v1/me/sessions/{id}',
        'POST /api/v1/me/deletion',
        // OpenID Connect sign-in and linked sign-ins (1.1.0)
        'GET /api/v1/auth/providers',
        'POST /api/v1/auth/providers/{provider}/authorization',
        'POST /api/v1/auth/oidc/callback',
        'POST /api/v1/auth/oidc/signup',
        'POST /api/v1/auth/sign-out',
        'GET /api/v1/me/sign-in-methods',
        'DELETE /api/v1/me/sign-in-methods/{provider}',
        // the live timeline (1.1.0)
        'GET /api/v1/timeline/events',
      ].sort(),
    );
  });

  it('when the service routes are listed, then healthz, readyz, openapi.json and docs are there', () => {
    const paths = entries.filter(([, op]) => !op.path.startsWith('/api/')).map(([, op]) => op.path);
    expect(paths.sort()).to.deep.equal(['/docs', '/healthz', '/openapi.json', '/readyz']);
  });

  for (const [id, op] of entries) {
    it(`when ${id} names path params, then they and the {params} of its path are the same set`, () => {
      const inPath = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const inSchema = Object.keys(op.request.params?.shape ?? {}).sort();
      expect(inSchema).to.deep.equal(inPath);
    });
  }

  for (const [id, op] of apiEntries.filter(([, op]) => op.method !== 'get')) {
    it(`when ${id} is a write, then it requires X-CSRF and documents 403`, () => {
      expect(op.request.headers).to.equal(CsrfHeaders);
      expect(op.responses[403]).to.equal(ForbiddenProblem);
    });
  }

  for (const [id, op] of apiEntries) {
    it(`when ${id} is called, then it documents a success, 503, and 401 exactly when auth is required`, () => {
      const statuses = Object.keys(op.responses).map(Number);
      expect(statuses.some((s) => s >= 200 && s < 300)).to.equal(true);
      expect(statuses).to.include(503);
      expect(statuses.includes(401)).to.equal(op.auth === 'required' || SIGN_IN_STEPS.has(id));
    });

    it(`when ${id} takes a body or query or params, then it documents the matching 400/422`, () => {
      if (op.request.body !== undefined)
        expect(Object.keys(op.responses)).to.include.members(['400', '413', '415', '422']);
      if (op.request.query !== undefined || op.request.params !== undefined) {
        expect(Object.keys(op.responses)).to.include('400');
      }
    });
  }

  it('when an operation answers 204, then its schema is null, and only then', () => {
    for (const [, op] of entries) {
      for (const [status, schema] of Object.entries(op.responses)) expect(schema === null).to.equal(status === '204');
    }
  });

  it('when method and path are combined, then no two operations share them', () => {
    const keys = entries.map(([, op]) => `${op.method} ${op.path}`);
    expect(new Set(keys).size).to.equal(keys.length);
  });
});
