import { expect } from 'chai';
import type * as z from 'zod';
import {
  AppVersionHeaders,
  ConditionalGetHeaders,
  CreatePostHeaders,
  CursorPageQuery,
  MarkerUpdateBody,
  PostIdParams,
  PostTextBody,
  PushTokenBody,
  PushTokenParams,
  RefreshBody,
  SearchQuery,
  SessionIdParams,
  SignInBody,
  SignUpBody,
  TimelineChangesQuery,
  UpdateMeBody,
  UsernameParams,
  formatIssues,
  requestSchemas,
} from '../src/index.ts';

const accepts = (schema: z.ZodType, value: unknown) =>
  expect(schema.safeParse(value).success, JSON.stringify(value)?.slice(0, 80)).to.equal(true);
const rejects = (schema: z.ZodType, value: unknown) =>
  expect(schema.safeParse(value).success, JSON.stringify(value)?.slice(0, 80)).to.equal(false);

const device = { id: 'A1b2-C3d4.e5:f6_', name: "Alice's iPhone", platform: 'ios' };

describe('request bodies', () => {
  it('when signing up with username, password, optional displayName and a device, then the body is accepted', () => {
    accepts(SignUpBody, { username: 'alice', password: 'correct horse', device });
    accepts(SignUpBody, { username: 'alice', password: 'correct horse', displayName: 'Alice', device });
  });

  it('when a body carries an unknown key, then it is rejected and the key is named', () => {
    const result = SignUpBody.safeParse({ username: 'alice', password: 'pw', device, admin: true });
    expect(result.success).to.equal(false);
    if (!result.success)
      expect(formatIssues(result.error)).to.deep.include({ field: 'admin', message: 'is not a known field' });
    rejects(PostTextBody, { text: 'hi', authorId: '1' });
    rejects(SignInBody, { username: 'a', password: 'b', device: { ...device, extra: 1 } });
  });

  it('when a text rule is broken but the size bound is not, then the schema passes it on to the domain', () => {
    accepts(PostTextBody, { text: 'x'.repeat(256) });
    accepts(PostTextBody, { text: '' });
    accepts(SignUpBody, { username: 'a!', password: 'short', displayName: 'x'.repeat(51), device });
    accepts(UpdateMeBody, { bio: 'x'.repeat(161) });
  });

  it('when a string exceeds the loose safety bound, then it is rejected', () => {
    accepts(PostTextBody, { text: 'x'.repeat(2000) });
    rejects(PostTextBody, { text: 'x'.repeat(2001) });
    accepts(SignInBody, { username: 'u'.repeat(64), password: 'p'.repeat(1024), device });
    rejects(SignInBody, { username: 'u'.repeat(65), password: 'pw', device });
    rejects(SignInBody, { username: 'u', password: 'p'.repeat(1025), device });
    accepts(UpdateMeBody, { displayName: 'x'.repeat(200), bio: 'x'.repeat(1000) });
    rejects(UpdateMeBody, { displayName: 'x'.repeat(201) });
    rejects(UpdateMeBody, { bio: 'x'.repeat(1001) });
  });

  it('when a field has the wrong type, then it is rejected (no coercion)', () => {
    rejects(PostTextBody, { text: 42 });
    rejects(PostTextBody, ['text']);
    rejects(PostTextBody, null);
    rejects(MarkerUpdateBody, { lastReadId: '5', version: '1' });
    rejects(MarkerUpdateBody, { lastReadId: 5, version: 1 });
  });

  it('when a device is given, then its id is 1..128 of [A-Za-z0-9._:-], its name 1..100 chars, its platform ios or android', () => {
    const signIn = (d: object) => ({ username: 'alice', password: 'pw', device: { ...device, ...d } });
    accepts(SignInBody, signIn({ id: 'x'.repeat(128) }));
    rejects(SignInBody, signIn({ id: 'x'.repeat(129) }));
    rejects(SignInBody, signIn({ id: '' }));
    rejects(SignInBody, signIn({ id: 'a b' }));
    rejects(SignInBody, signIn({ id: 'a/b' }));
    accepts(SignInBody, signIn({ name: 'n' }));
    accepts(SignInBody, signIn({ name: 'n'.repeat(100) }));
    rejects(SignInBody, signIn({ name: '' }));
    rejects(SignInBody, signIn({ name: 'n'.repeat(101) }));
    accepts(SignInBody, signIn({ platform: 'android' }));
    rejects(SignInBody, signIn({ platform: 'windows' }));
    rejects(SignInBody, { username: 'alice', password: 'pw' });
    rejects(SignUpBody, { username: 'alice', password: 'pw' });
  });

  it('when refreshing, then the refresh token is 1..512 chars', () => {
    accepts(RefreshBody, { refreshToken: 'r' });
    accepts(RefreshBody, { refreshToken: 'r'.repeat(512) });
    rejects(RefreshBody, { refreshToken: '' });
    rejects(RefreshBody, { refreshToken: 'r'.repeat(513) });
    rejects(RefreshBody, {});
  });

  it('when editing the profile, then both fields are optional', () => {
    accepts(UpdateMeBody, {});
    accepts(UpdateMeBody, { displayName: '' });
    rejects(UpdateMeBody, { displayName: null });
  });

  it('when moving the marker, then lastReadId is an id and version a non-negative integer', () => {
    accepts(MarkerUpdateBody, { lastReadId: '1', version: 0 });
    accepts(MarkerUpdateBody, { lastReadId: '9223372036854775807', version: 12 });
    rejects(MarkerUpdateBody, { lastReadId: null, version: 0 });
    rejects(MarkerUpdateBody, { lastReadId: '0', version: 0 });
    rejects(MarkerUpdateBody, { lastReadId: '1', version: -1 });
    rejects(MarkerUpdateBody, { lastReadId: '1', version: 1.5 });
    rejects(MarkerUpdateBody, { lastReadId: '1' });
  });

  it('when registering a push token, then it is 1..255 printable characters with a platform', () => {
    accepts(PushTokenBody, { token: 'ExponentPushToken[abc]', platform: 'ios' });
    accepts(PushTokenBody, { token: 't'.repeat(255), platform: 'android' });
    rejects(PushTokenBody, { token: 't'.repeat(256), platform: 'android' });
    rejects(PushTokenBody, { token: '', platform: 'android' });
    rejects(PushTokenBody, { token: 'a b', platform: 'android' });
    rejects(PushTokenBody, { token: 'abc' });
  });
});

describe('path parameters', () => {
  it('when an id is a decimal string of up to 19 digits without a leading zero, then it is accepted', () => {
    accepts(PostIdParams, { id: '1' });
    accepts(PostIdParams, { id: '9'.repeat(19) });
    rejects(PostIdParams, { id: '9'.repeat(20) });
    rejects(PostIdParams, { id: '0' });
    rejects(PostIdParams, { id: '01' });
    rejects(PostIdParams, { id: '-1' });
    rejects(PostIdParams, { id: '1e3' });
    rejects(PostIdParams, { id: ['1'] });
    accepts(SessionIdParams, { id: '42' });
    rejects(SessionIdParams, { id: 'abc' });
  });

  it('when a username param is 1..64 of [A-Za-z0-9_], then it is accepted', () => {
    accepts(UsernameParams, { username: 'Alice_1' });
    accepts(UsernameParams, { username: 'a'.repeat(64) });
    rejects(UsernameParams, { username: 'a'.repeat(65) });
    rejects(UsernameParams, { username: '' });
    rejects(UsernameParams, { username: 'al ice' });
    rejects(UsernameParams, { username: '../etc' });
  });

  it('when a push token param is given, then it follows the body rule', () => {
    accepts(PushTokenParams, { token: 'ExponentPushToken[abc]' });
    rejects(PushTokenParams, { token: 't'.repeat(256) });
  });
});

describe('query parameters', () => {
  it('when limit is omitted, then it defaults to 20', () => {
    expect(CursorPageQuery.parse({})).to.deep.equal({ limit: 20 });
  });

  it('when limit is 1 or 50, then it is accepted as a number; 0, 51, signs, decimals and arrays are rejected', () => {
    expect(CursorPageQuery.parse({ limit: '1' }).limit).to.equal(1);
    expect(CursorPageQuery.parse({ limit: '50' }).limit).to.equal(50);
    for (const limit of ['0', '51', '9999', '10000', '-1', '+5', '5.0', '', ' 5', '0x10', ['5'], 5]) {
      rejects(CursorPageQuery, { limit });
    }
  });

  it('when a cursor is 1..512 of [A-Za-z0-9_.-], then it is accepted', () => {
    accepts(CursorPageQuery, { cursor: 'abc_DEF-1.2' });
    accepts(CursorPageQuery, { cursor: 'c'.repeat(512) });
    rejects(CursorPageQuery, { cursor: 'c'.repeat(513) });
    rejects(CursorPageQuery, { cursor: '' });
    rejects(CursorPageQuery, { cursor: 'a=b' });
    rejects(CursorPageQuery, { cursor: 'a+b/c' });
    rejects(CursorPageQuery, { cursor: ['a', 'b'] });
  });

  it('when searching, then q is 3..100 code points', () => {
    expect(SearchQuery.parse({ q: 'koa' })).to.deep.equal({ q: 'koa', limit: 20 });
    accepts(SearchQuery, { q: '😀😀😀' });
    accepts(SearchQuery, { q: 'q'.repeat(100) });
    accepts(SearchQuery, { q: '😀'.repeat(100) });
    rejects(SearchQuery, { q: 'ab' });
    rejects(SearchQuery, { q: 'q'.repeat(101) });
    rejects(SearchQuery, {});
    rejects(SearchQuery, { q: ['koa', 'zod'] });
  });

  it('when syncing the timeline, then since is a required opaque token and limit follows the page rule', () => {
    expect(TimelineChangesQuery.parse({ since: 'tok' })).to.deep.equal({ since: 'tok', limit: 20 });
    accepts(TimelineChangesQuery, { since: 's'.repeat(512), limit: '50' });
    rejects(TimelineChangesQuery, { since: 's'.repeat(513) });
    rejects(TimelineChangesQuery, {});
    rejects(TimelineChangesQuery, { since: 'tok', limit: '51' });
  });
});

describe('request headers', () => {
  it('when X-App-Version is semver or absent, then it is accepted', () => {
    accepts(AppVersionHeaders, {});
    accepts(AppVersionHeaders, { 'x-app-version': '1.0.0', 'user-agent': 'app' });
    accepts(AppVersionHeaders, { 'x-app-version': '2.10.3-beta.1+build.7' });
    for (const v of ['1.0', 'v1.0.0', '01.0.0', '1.0.0.0', '', 'x'.repeat(65)])
      rejects(AppVersionHeaders, { 'x-app-version': v });
  });

  it('when If-None-Match is sent, then it is at most 1024 chars', () => {
    accepts(ConditionalGetHeaders, { 'if-none-match': 'W/"abc"' });
    rejects(ConditionalGetHeaders, { 'if-none-match': 'e'.repeat(1025) });
  });

  it('when writing a post, then Idempotency-Key is required, 1..255 printable ASCII', () => {
    accepts(CreatePostHeaders, { 'idempotency-key': ' ~key with spaces~ ' });
    accepts(CreatePostHeaders, { 'idempotency-key': 'k'.repeat(255), 'x-app-version': '1.2.3' });
    rejects(CreatePostHeaders, {});
    rejects(CreatePostHeaders, { 'idempotency-key': '' });
    rejects(CreatePostHeaders, { 'idempotency-key': 'k'.repeat(256) });
    rejects(CreatePostHeaders, { 'idempotency-key': 'clé' });
    rejects(CreatePostHeaders, { 'idempotency-key': 'a\tb' });
  });

  it('when looking up an operation, then its request schemas are returned', () => {
    expect(requestSchemas('createPost').headers).to.equal(CreatePostHeaders);
    expect(requestSchemas('createPost').body).to.equal(PostTextBody);
  });
});
