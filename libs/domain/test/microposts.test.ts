import { expect } from 'chai';
import { deleteMicropost, editMicropost, getMicropost, listUserMicroposts, postMicropost } from '../src/index.ts';
import { makeUser } from '../src/testing/index.ts';
import { context, expectDomainError, sql } from './helpers.ts';

describe('posting, editing and deleting microposts', () => {
  it('when a user posts, then the post, its author and the post count are stored together', async () => {
    const author = await makeUser(context(), { displayName: 'Ada' });
    const post = await postMicropost(context(), { authorId: author.id, text: 'first!' });
    expect(post).to.include({ text: 'first!', editedAt: null });
    expect(post.author).to.deep.equal({ id: author.id, username: author.username, displayName: 'Ada' });
    const [row] = await sql<{ posts_count: number }>('select posts_count from users where id = ?', [author.id]);
    expect(row?.posts_count).to.equal(1);
  });

  it('when the author edits, then the text changes and editedAt is set', async () => {
    const author = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: 'draft' });
    const edited = await editMicropost(context(), { actorId: author.id, micropostId: post.id, text: 'final' });
    expect(edited.text).to.equal('final');
    expect(edited.editedAt).to.be.instanceOf(Date);
    const read = await getMicropost(context(), { id: post.id });
    expect(read.text).to.equal('final');
    expect(read.editedAt?.getTime()).to.equal(edited.editedAt?.getTime());
  });

  it('when someone else edits or deletes a post, then it is forbidden and nothing changes', async () => {
    const author = await makeUser(context());
    const intruder = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: 'mine' });
    await expectDomainError(
      editMicropost(context(), { actorId: intruder.id, micropostId: post.id, text: 'yours' }),
      'forbidden',
    );
    await expectDomainError(deleteMicropost(context(), { actorId: intruder.id, micropostId: post.id }), 'forbidden');
    expect((await getMicropost(context(), { id: post.id })).text).to.equal('mine');
  });

  it('when the author deletes a post, then it is gone, its count drops, and edits of it are not found', async () => {
    const author = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: 'oops' });
    await deleteMicropost(context(), { actorId: author.id, micropostId: post.id });
    await expectDomainError(getMicropost(context(), { id: post.id }), 'not_found');
    await expectDomainError(
      editMicropost(context(), { actorId: author.id, micropostId: post.id, text: 'x' }),
      'not_found',
    );
    await expectDomainError(deleteMicropost(context(), { actorId: author.id, micropostId: post.id }), 'not_found');
    const [row] = await sql<{ posts_count: number }>('select posts_count from users where id = ?', [author.id]);
    expect(row?.posts_count).to.equal(0);
  });

  it('when the author does not exist, then posting is not found and nothing is stored', async () => {
    for (const authorId of ['9223372036854775806', 'nope']) {
      await expectDomainError(postMicropost(context(), { authorId, text: 'from nobody' }), 'not_found');
    }
    const [row] = await sql<{ n: number }>("select count(*)::int as n from microposts where text = 'from nobody'");
    expect(row?.n).to.equal(0);
  });

  it('when an id is malformed or unknown, then it is not found (never a database error)', async () => {
    for (const id of ['abc', '0', '-1', '99999999999999999999', '1 or 1=1', '9223372036854775807']) {
      await expectDomainError(getMicropost(context(), { id }), 'not_found');
    }
  });

  it('when a post mentions existing users, then only those become mentions, listed as registered', async () => {
    const author = await makeUser(context());
    const mentioned = await makeUser(context());
    const upper = mentioned.username.toUpperCase();
    const post = await postMicropost(context(), {
      authorId: author.id,
      text: `hi @${upper} and @nobody_here_${Date.now()} mail@${mentioned.username}`,
    });
    expect(post.mentions).to.deep.equal([mentioned.username]);
    const rows = await sql<{ user_id: string }>('select user_id from mentions where micropost_id = ?', [post.id]);
    expect(rows.map((r) => r.user_id)).to.deep.equal([mentioned.id]);
  });

  it('when a post is edited to mention someone else, then the mentions follow the text', async () => {
    const author = await makeUser(context());
    const first = await makeUser(context());
    const second = await makeUser(context());
    const post = await postMicropost(context(), { authorId: author.id, text: `@${first.username}` });
    const edited = await editMicropost(context(), {
      actorId: author.id,
      micropostId: post.id,
      text: `@${second.username}`,
    });
    expect(edited.mentions).to.deep.equal([second.username]);
    expect((await getMicropost(context(), { id: post.id })).mentions).to.deep.equal([second.username]);
  });

  it("when listing a user's posts by page, then they come newest first with the total from the counter", async () => {
    const author = await makeUser(context());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await postMicropost(context(), { authorId: author.id, text: `post ${i}` })).id);
    const page1 = await listUserMicroposts(context(), {
      username: author.username,
      paging: { kind: 'page', number: 1, size: 2 },
    });
    const page3 = await listUserMicroposts(context(), {
      username: author.username,
      paging: { kind: 'page', number: 3, size: 2 },
    });
    expect(page1.items.map((p) => p.id)).to.deep.equal([ids[4], ids[3]]);
    expect(page3.items.map((p) => p.id)).to.deep.equal([ids[0]]);
    expect(page1).to.include({ totalItems: 5, totalPages: 3, number: 1, size: 2 });
  });

  it('when the user does not exist, then listing their posts is not found', async () => {
    await expectDomainError(
      listUserMicroposts(context(), { username: 'no_such_user_here', paging: { kind: 'page', number: 1, size: 20 } }),
      'not_found',
    );
    await expectDomainError(
      listUserMicroposts(context(), { username: '{"$ne":null}', paging: { kind: 'page', number: 1, size: 20 } }),
      'not_found',
    );
  });
});
