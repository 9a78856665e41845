import { expect } from 'chai';
import type * as z from 'zod';
import {
  BadRequestProblem,
  CurrentUser,
  ForbiddenProblem,
  HealthStatus,
  Micropost,
  MicropostPage,
  Problem,
  Profile,
  Relationship,
  SessionInfo,
  UserPage,
  UserSummary,
  ValidationProblem,
} from '../src/index.ts';
import {
  currentUser,
  micropost,
  pageInfo,
  problem,
  profile,
  relationship,
  sessionInfo,
  userSummary,
} from './samples.ts';

const accepts = (schema: z.ZodType, value: unknown): boolean => schema.safeParse(value).success;

// [schema, a valid body, paths (dotted) of every nested object that must be strict too]
const cases: [string, z.ZodType, () => Record<string, unknown>, string[]][] = [
  ['UserSummary', UserSummary, userSummary, []],
  ['Micropost', Micropost, micropost, ['author', 'viewer']],
  ['Profile', Profile, profile, ['counts', 'viewer']],
  ['CurrentUser', CurrentUser, currentUser, ['counts']],
  ['SessionInfo', SessionInfo, sessionInfo, ['user', 'user.counts']],
  ['Relationship', Relationship, relationship, ['user', 'viewer']],
  [
    'MicropostPage',
    MicropostPage,
    () => ({ items: [micropost()], page: pageInfo() }),
    ['page', 'items.0', 'items.0.author'],
  ],
  ['UserPage', UserPage, () => ({ items: [userSummary()], page: pageInfo() }), ['page', 'items.0']],
  ['HealthStatus', HealthStatus, () => ({ status: 'ok' }), []],
  ['Problem', Problem, () => problem(400, 'bad_request'), []],
];

function objectAt(root: Record<string, unknown>, path: string): Record<string, unknown> {
  let node: unknown = root;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as Record<string, unknown>;
}

describe('response schemas', () => {
  for (const [name, schema, sample, nested] of cases) {
    it(`when a ${name} has exactly its fields, then it passes`, () => {
      expect(schema.safeParse(sample()).error?.issues ?? []).to.deep.equal([]);
    });

    it(`when a ${name} (or any object inside it) leaks an extra field, then it fails`, () => {
      for (const path of ['', ...nested]) {
        const body = sample();
        const target = path === '' ? body : objectAt(body, path);
        target['passwordHash'] = 'x';
        expect(accepts(schema, body), path || '(top)').to.equal(false);
      }
    });
  }

  it('when a micropost was edited, then editedAt is a timestamp; a missing editedAt fails', () => {
    expect(accepts(Micropost, { ...micropost(), editedAt: '2025-02-01T00:00:00.000Z' })).to.equal(true);
    const { editedAt: _, ...withoutEditedAt } = micropost();
    expect(accepts(Micropost, withoutEditedAt)).to.equal(false);
  });

  it('when an id is a number or a timestamp is not ISO 8601 UTC, then it fails', () => {
    expect(accepts(Micropost, { ...micropost(), id: 1234 })).to.equal(false);
    expect(accepts(Micropost, { ...micropost(), createdAt: '2025-01-31 09:30:00' })).to.equal(false);
    expect(accepts(Micropost, { ...micropost(), createdAt: '2025-01-31T10:30:00+01:00' })).to.equal(false);
  });

  it('when a presented username breaks the username rules, then it fails', () => {
    expect(accepts(UserSummary, { username: 'ab', displayName: '' })).to.equal(false);
    expect(accepts(UserSummary, { username: 'a-b-c', displayName: '' })).to.equal(false);
  });

  it('when counts are negative or fractional, then it fails', () => {
    expect(accepts(Profile, { ...profile(), counts: { posts: -1, followers: 0, following: 0 } })).to.equal(false);
    expect(accepts(Profile, { ...profile(), counts: { posts: 1.5, followers: 0, following: 0 } })).to.equal(false);
  });

  it('when page info is out of range, then it fails', () => {
    const page = (overrides: object) => ({ items: [], page: { ...pageInfo(), ...overrides } });
    expect(accepts(UserPage, page({ totalItems: 0, totalPages: 1 }))).to.equal(true);
    expect(accepts(UserPage, page({ totalPages: 0 }))).to.equal(false);
    expect(accepts(UserPage, page({ size: 101 }))).to.equal(false);
    expect(accepts(UserPage, page({ number: 0 }))).to.equal(false);
  });

  it('when a problem has detail and errors, then it passes; an unknown code fails', () => {
    const full = {
      ...problem(422, 'validation_failed'),
      detail: 'd',
      errors: [{ field: 'text', message: 'too long' }],
    };
    expect(accepts(Problem, full)).to.equal(true);
    expect(accepts(Problem, problem(500, 'internal'))).to.equal(false);
  });

  it('when a problem status or code does not match its variant, then it fails', () => {
    expect(accepts(BadRequestProblem, problem(400, 'bad_request'))).to.equal(true);
    expect(accepts(BadRequestProblem, problem(422, 'bad_request'))).to.equal(false);
    expect(accepts(ForbiddenProblem, problem(403, 'csrf_failed'))).to.equal(true);
    expect(accepts(ForbiddenProblem, problem(403, 'forbidden'))).to.equal(true);
    expect(accepts(ForbiddenProblem, problem(403, 'not_found'))).to.equal(false);
  });

  it('when a validation problem has no errors, then it fails', () => {
    expect(accepts(ValidationProblem, problem(422, 'validation_failed'))).to.equal(false);
    expect(accepts(ValidationProblem, { ...problem(422, 'validation_failed'), errors: [] })).to.equal(false);
    const withErrors = { ...problem(422, 'validation_failed'), errors: [{ field: 'user.name', message: 'm' }] };
    expect(accepts(ValidationProblem, withErrors)).to.equal(true);
  });
});
