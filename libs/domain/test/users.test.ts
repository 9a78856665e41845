import { expect } from 'chai';
import {
  authenticate,
  changePassword,
  checkSession,
  getOwnProfile,
  getProfile,
  registerUser,
  startWebSession,
  updateProfile,
  type ValidationError,
} from '../src/index.ts';
import { makeUser, TEST_PASSWORD, uniqueUsername } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

describe('accounts and profiles', () => {
  it('when a user registers, then the username keeps its case and the password is stored as argon2id', async () => {
    const username = `Mixed_${uniqueUsername().slice(2, 14)}`;
    const user = await registerUser(context(), { username, password: TEST_PASSWORD, displayName: 'Mixed Case' });
    expect(user).to.include({ username, displayName: 'Mixed Case', bio: '' });
    expect(user.counts).to.deep.equal({ posts: 0, followers: 0, following: 0 });
    const [row] = await sql<{ password_hash: string }>('select password_hash from users where id = ?', [user.id]);
    expect(row?.password_hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('when a username is taken in another letter case, then registration is a conflict', async () => {
    const user = await makeUser(context());
    await expectDomainError(
      registerUser(context(), { username: user.username.toUpperCase(), password: TEST_PASSWORD }),
      'conflict',
    );
  });

  it('when two people register the same name at once, then exactly one succeeds and the other gets a conflict', async () => {
    const username = uniqueUsername();
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => registerUser(context(), { username, password: TEST_PASSWORD })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).to.equal('conflict');
  });

  it('when fields break the rules, then each failing field is named', async () => {
    const error = await expectDomainError<ValidationError>(
      registerUser(context(), { username: 'a!', password: 'short', displayName: 'x'.repeat(51) }),
      'validation_failed',
    );
    expect(error.errors.map((e) => e.field).sort()).to.deep.equal(['displayName', 'password', 'username']);
  });

  for (const [label, password, username] of [
    ['7 characters', 'abcdefg', 'someone_new'],
    ['129 characters', 'a'.repeat(129), 'someone_new'],
    ['the username', 'Someone_New', 'someone_new'],
    ['a common password', 'password123', 'someone_new'],
  ] as const) {
    it(`when the password is ${label}, then it is rejected`, async () => {
      const error = await expectDomainError<ValidationError>(
        registerUser(context(), { username, password }),
        'validation_failed',
      );
      expect(error.errors.map((e) => e.field)).to.deep.equal(['password']);
    });
  }

  it('when signing in with the right password, then the user is returned; a wrong one or an unknown user answer the same', async () => {
    const user = await makeUser(context());
    expect(
      (await authenticate(context(), { username: user.username.toUpperCase(), password: TEST_PASSWORD })).id,
    ).to.equal(user.id);
    const wrong = await expectDomainError(
      authenticate(context(), { username: user.username, password: 'not the password' }),
      'invalid_credentials',
    );
    const unknown = await expectDomainError(
      authenticate(context(), { username: 'nobody_at_all_x', password: 'whatever123' }),
      'invalid_credentials',
    );
    expect(unknown.message).to.equal(wrong.message);
  });

  it('when a profile is edited, then the new fields are stored and bad ones are refused by field', async () => {
    const user = await makeUser(context());
    const updated = await updateProfile(context(), { userId: user.id, displayName: 'New Name', bio: 'Hello 👋' });
    expect(updated).to.include({ displayName: 'New Name', bio: 'Hello 👋' });
    expect((await getOwnProfile(context(), { userId: user.id })).bio).to.equal('Hello 👋');
    const error = await expectDomainError<ValidationError>(
      updateProfile(context(), { userId: user.id, bio: 'b'.repeat(161) }),
      'validation_failed',
    );
    expect(error.errors[0]?.field).to.equal('bio');
    expect((await getOwnProfile(context(), { userId: user.id })).bio).to.equal('Hello 👋');
  });

  it('when a display name or bio shows nothing (zero-width or blank characters only), then it is refused by field; empty is fine', async () => {
    const user = await makeUser(context());
    const error = await expectDomainError<ValidationError>(
      updateProfile(context(), { userId: user.id, displayName: '\u200b\u200d', bio: ' \ufeff\n' }),
      'validation_failed',
    );
    expect(error.errors.map((e) => e.field).sort()).to.deep.equal(['bio', 'displayName']);
    await expectDomainError(
      registerUser(context(), {
        username: `inv_${user.username.slice(-8)}`,
        password: TEST_PASSWORD,
        displayName: '\u2060',
      }),
      'validation_failed',
    );
    const cleared = await updateProfile(context(), { userId: user.id, displayName: '', bio: '' });
    expect(cleared).to.include({ displayName: '', bio: '' });
  });

  it('when viewing a profile signed out, then the relationship flags are all false', async () => {
    const user = await makeUser(context());
    const { profile, relationship } = await getProfile(context(), { username: user.username });
    expect(profile.username).to.equal(user.username);
    expect(relationship).to.deep.equal({ isSelf: false, isFollowing: false, followsYou: false });
    expect((await getProfile(context(), { username: user.username, viewerId: user.id })).relationship.isSelf).to.equal(
      true,
    );
  });

  it('when the password changes, then other sessions end at once, the current one stays, and the new password works', async () => {
    const user = await makeUser(context());
    const current = await startWebSession(context(), { userId: user.id });
    const other = await startWebSession(context(), { userId: user.id });
    const result = await changePassword(context(), {
      userId: user.id,
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new passphrase',
      keepSessionId: current.id,
    });
    expect(result.revokedSessions).to.equal(1);
    await checkSession(context(), { sessionId: current.id, userId: user.id });
    await expectDomainError(checkSession(context(), { sessionId: other.id, userId: user.id }), 'unauthenticated');
    await authenticate(context(), { username: user.username, password: 'a brand new passphrase' });
    await expectDomainError(
      authenticate(context(), { username: user.username, password: TEST_PASSWORD }),
      'invalid_credentials',
    );
  });

  it('when the current password is wrong, then nothing changes and no session ends', async () => {
    const user = await makeUser(context());
    const other = await startWebSession(context(), { userId: user.id });
    const error = await expectDomainError<ValidationError>(
      changePassword(context(), {
        userId: user.id,
        currentPassword: 'wrong one!',
        newPassword: 'a brand new passphrase',
        keepSessionId: null,
      }),
      'validation_failed',
    );
    expect(error.errors[0]?.field).to.equal('currentPassword');
    await checkSession(context(), { sessionId: other.id, userId: user.id });
    await authenticate(context(), { username: user.username, password: TEST_PASSWORD });
  });
});
