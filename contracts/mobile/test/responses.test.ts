import { expect } from 'chai';
import { validateResponse } from '../src/index.ts';

const at = '2025-01-31T12:00:00.000Z';
const post = { id: '10', authorId: '1', text: 'hello', createdAt: at, editedAt: null };
const alice = { id: '1', username: 'alice', displayName: 'Alice' };
const counts = { posts: 1, followers: 2, following: 3 };
const tokens = { accessToken: 'a.b.c', tokenType: 'Bearer', expiresIn: 900, refreshToken: 'r', user: alice };
const problem = { type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found' };

describe('validateResponse', () => {
  it('when a response matches its documented schema, then it is ok', () => {
    expect(validateResponse('createPost', 201, post)).to.deep.equal({ ok: true });
    expect(validateResponse('editPost', 200, { ...post, editedAt: at })).to.deep.equal({ ok: true });
    expect(
      validateResponse('getTimeline', 200, { items: [post], users: { 1: alice }, nextCursor: null, syncToken: 's' }),
    ).to.deep.equal({ ok: true });
    expect(validateResponse('getTimeline', 200, { items: [], users: {}, nextCursor: 'abc' })).to.deep.equal({
      ok: true,
    });
    expect(
      validateResponse('getTimelineChanges', 200, {
        items: [post],
        users: { 1: alice },
        deleted: ['7'],
        syncToken: 't',
        hasMore: false,
      }),
    ).to.deep.equal({ ok: true });
    expect(validateResponse('listFollowers', 200, { items: [alice], nextCursor: null })).to.deep.equal({ ok: true });
    expect(validateResponse('signIn', 200, tokens)).to.deep.equal({ ok: true });
    expect(validateResponse('signUp', 201, tokens)).to.deep.equal({ ok: true });
    expect(validateResponse('refreshToken', 200, tokens)).to.deep.equal({ ok: true });
    expect(validateResponse('getMe', 200, { ...alice, bio: '', joinedAt: at, counts })).to.deep.equal({ ok: true });
    expect(
      validateResponse('getProfile', 200, {
        ...alice,
        bio: 'hi',
        joinedAt: at,
        counts,
        relationship: { isSelf: false, isFollowing: true, followsYou: false },
      }),
    ).to.deep.equal({ ok: true });
    expect(
      validateResponse('listSessions', 200, {
        items: [{ id: '3', deviceName: 'Pixel', platform: 'android', createdAt: at, lastUsedAt: at, current: true }],
      }),
    ).to.deep.equal({ ok: true });
    expect(validateResponse('getTimelineMarker', 200, { lastReadId: null, version: 0 })).to.deep.equal({ ok: true });
    expect(validateResponse('putTimelineMarker', 200, { lastReadId: '10', version: 1 })).to.deep.equal({ ok: true });
    expect(
      validateResponse('registerPushToken', 201, { token: 'ExponentPushToken[x]', platform: 'ios' }),
    ).to.deep.equal({ ok: true });
    expect(validateResponse('follow', 200, { isSelf: false, isFollowing: true, followsYou: true })).to.deep.equal({
      ok: true,
    });
    expect(validateResponse('healthz', 200, { status: 'ok' })).to.deep.equal({ ok: true });
  });

  it('when a presenter leaks an unknown key, then the response is rejected naming it', () => {
    const result = validateResponse('createPost', 201, { ...post, passwordHash: 'x' });
    expect(result).to.deep.equal({ ok: false, errors: ['passwordHash: is not a known field'] });
    expect(validateResponse('getMe', 200, { ...alice, bio: '', joinedAt: at, counts, relationship: {} }).ok).to.equal(
      false,
    );
    expect(
      validateResponse('getTimeline', 200, { items: [], users: { 1: { ...alice, bio: '' } }, nextCursor: null }).ok,
    ).to.equal(false);
    expect(validateResponse('signIn', 200, { ...tokens, user: { ...alice, email: 'a@b' } }).ok).to.equal(false);
  });

  it('when a response breaks the shape, then the errors name the field', () => {
    const result = validateResponse('createPost', 201, { ...post, id: 10 });
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.errors[0]).to.match(/^id: /);
    expect(validateResponse('signIn', 200, { ...tokens, tokenType: 'bearer' }).ok).to.equal(false);
    expect(validateResponse('getTimeline', 200, { items: [], users: { abc: alice }, nextCursor: null }).ok).to.equal(
      false,
    );
    expect(validateResponse('createPost', 201, { ...post, createdAt: '2025-01-31 12:00' }).ok).to.equal(false);
  });

  it('when the status is not documented for the operation, then it is an error', () => {
    expect(validateResponse('createPost', 200, post)).to.deep.equal({
      ok: false,
      errors: ['status 200 is not documented for createPost'],
    });
    expect(validateResponse('getMe', 403, problem).ok).to.equal(false);
  });

  it('when the operation is unknown, then it is an error', () => {
    expect(validateResponse('nope', 200, {}).ok).to.equal(false);
    expect(validateResponse('toString', 200, {}).ok).to.equal(false);
  });

  it('when a 204 or 304 has a body, then it is an error; when it is empty, then it is ok', () => {
    expect(validateResponse('deletePost', 204, undefined)).to.deep.equal({ ok: true });
    expect(validateResponse('deletePost', 204, '')).to.deep.equal({ ok: true });
    expect(validateResponse('deletePost', 204, {})).to.deep.equal({ ok: true });
    expect(validateResponse('getMe', 304, undefined)).to.deep.equal({ ok: true });
    expect(validateResponse('deletePost', 204, { deleted: true }).ok).to.equal(false);
  });

  it('when an error is a problem, then it is checked too; 426 must carry minVersion', () => {
    expect(validateResponse('getProfile', 404, problem)).to.deep.equal({ ok: true });
    expect(
      validateResponse('createPost', 422, {
        ...problem,
        status: 422,
        code: 'validation_failed',
        errors: [{ field: 'text', message: 'too long' }],
      }),
    ).to.deep.equal({ ok: true });
    expect(validateResponse('getProfile', 404, { ...problem, stack: 'Error at ...' }).ok).to.equal(false);
    const upgrade = { type: 'about:blank', title: 'Upgrade Required', status: 426, code: 'upgrade_required' };
    expect(validateResponse('getTimeline', 426, { ...upgrade, minVersion: '1.2.0' })).to.deep.equal({ ok: true });
    expect(validateResponse('getTimeline', 426, upgrade).ok).to.equal(false);
    expect(validateResponse('refreshToken', 401, { ...problem, status: 401, code: 'invalid_grant' })).to.deep.equal({
      ok: true,
    });
  });
});
