import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { followUser, postMicropost, registerUser, searchMicroposts, searchUsers, suggestUsers } from '../src/index.ts';
import { makeUser, TEST_PASSWORD } from '../src/testing/index.ts';
import { context, expectDomainError } from './helpers.ts';

const cursor = { kind: 'cursor', cursor: null, limit: 50 } as const;

describe('people search', () => {
  it('when searching a prefix, then usernames starting with it come first, then display names, without regard to case', async () => {
    const tag = randomBytes(3).toString('hex');
    const byName = await registerUser(context(), {
      username: `${tag}_zed`,
      password: TEST_PASSWORD,
      displayName: 'Zed',
    });
    const byDisplay = await registerUser(context(), {
      username: `a${tag}x`,
      password: TEST_PASSWORD,
      displayName: `${tag.toUpperCase()}ster Smith`,
    });
    const other = await registerUser(context(), {
      username: `b${tag}y`,
      password: TEST_PASSWORD,
      displayName: 'Nobody',
    });
    const page = await searchUsers(context(), { query: `@${tag.toUpperCase()}`, paging: cursor });
    expect(page.items.map((u) => u.id)).to.deep.equal([byName.id, byDisplay.id]);
    expect(page.items.map((u) => u.id)).not.to.include(other.id);
    const numbered = await searchUsers(context(), { query: tag, paging: { kind: 'page', number: 1, size: 1 } });
    expect(numbered).to.deep.include({ totalItems: 2, totalPages: 2 });
  });

  it('when paging by cursor, then every match comes once; LIKE characters match literally; a bad query is refused', async () => {
    const tag = randomBytes(3).toString('hex');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await registerUser(context(), { username: `${tag}${i}`, password: TEST_PASSWORD })).id);
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof searchUsers<{ kind: 'cursor'; cursor: string | null; limit: number }>>> =
        await searchUsers(context(), { query: tag, paging: { kind: 'cursor', cursor: next, limit: 2 } });
      seen.push(...page.items.map((u) => u.id));
      next = page.nextCursor;
    } while (next !== null);
    expect(seen).to.deep.equal(ids);
    expect((await searchUsers(context(), { query: `${tag}%`, paging: cursor })).items).to.deep.equal([]);
    await expectDomainError(searchUsers(context(), { query: '   ', paging: cursor }), 'validation_failed');
    await expectDomainError(searchUsers(context(), { query: 'x'.repeat(51), paging: cursor }), 'validation_failed');
  });
});

describe('who to follow', () => {
  it('when my follows follow others, then those come first by how many of my follows follow them, never me or whom I follow', async () => {
    const me = await makeUser(context());
    const [a, b] = [await makeUser(context()), await makeUser(context())];
    const [x, y, already] = [await makeUser(context()), await makeUser(context()), await makeUser(context())];
    for (const friend of [a, b]) await followUser(context(), { followerId: me.id, username: friend.username });
    await followUser(context(), { followerId: me.id, username: already.username });
    await followUser(context(), { followerId: a.id, username: x.username });
    await followUser(context(), { followerId: b.id, username: x.username });
    await followUser(context(), { followerId: a.id, username: y.username });
    await followUser(context(), { followerId: a.id, username: already.username });
    await followUser(context(), { followerId: a.id, username: me.username });
    const suggestions = await suggestUsers(context(), { viewerId: me.id, limit: 10 });
    expect(suggestions.slice(0, 2).map((s) => [s.user.id, s.followedByYourFollows])).to.deep.equal([
      [x.id, 2],
      [y.id, 1],
    ]);
    const ids = suggestions.map((s) => s.user.id);
    for (const excluded of [me.id, a.id, b.id, already.id]) expect(ids).not.to.include(excluded);
  });

  it('when I follow nobody, then the most followed accounts are suggested', async () => {
    const me = await makeUser(context());
    const suggestions = await suggestUsers(context(), { viewerId: me.id, limit: 3 });
    expect(suggestions).to.have.length(3);
    expect(suggestions.map((s) => s.user.id)).not.to.include(me.id);
    expect(suggestions.every((s) => s.followedByYourFollows === 0)).to.equal(true);
  });
});

describe('post search with stemming and prefixes', () => {
  it('when searching a word form, then other forms of it match (English stemming); the last word matches as a prefix', async () => {
    const author = await makeUser(context());
    const tag = `z${randomBytes(3).toString('hex')}`;
    const post = await postMicropost(context(), {
      authorId: author.id,
      text: `${tag} pagination of timelines is subtle`,
    });
    for (const q of [`${tag} paginate`, `${tag} paginating`, `${tag} pagin`, `${tag} timeline`, `${tag.slice(0, 5)}`]) {
      const page = await searchMicroposts(context(), { query: q, paging: cursor });
      expect(
        page.items.map((p) => p.id),
        q,
      ).to.include(post.id);
    }
    expect((await searchMicroposts(context(), { query: `${tag} -pagination`, paging: cursor })).items).to.deep.equal(
      [],
    );
    expect((await searchMicroposts(context(), { query: `"${tag} subtle"`, paging: cursor })).items).to.deep.equal([]);
  });

  it('when ordered by relevance, then the better match comes first and cursor pages cover every match once', async () => {
    const author = await makeUser(context());
    const tag = `r${randomBytes(3).toString('hex')}`;
    const weak = await postMicropost(context(), {
      authorId: author.id,
      text: `${tag} once, then about other things entirely, walking, talking, cooking`,
    });
    const strong = await postMicropost(context(), { authorId: author.id, text: `${tag} ${tag} ${tag}` });
    const newest = await searchMicroposts(context(), { query: tag, paging: cursor });
    expect(newest.items.map((p) => p.id)).to.deep.equal([strong.id, weak.id]);
    await postMicropost(context(), { authorId: author.id, text: `${tag} at the end` });
    const first = await searchMicroposts(context(), {
      query: tag,
      order: 'relevance',
      paging: { kind: 'cursor', cursor: null, limit: 2 },
    });
    expect(first.items[0]?.id).to.equal(strong.id);
    const second = await searchMicroposts(context(), {
      query: tag,
      order: 'relevance',
      paging: { kind: 'cursor', cursor: first.nextCursor, limit: 2 },
    });
    expect(new Set([...first.items, ...second.items].map((p) => p.id)).size).to.equal(3);
    expect(second.nextCursor).to.equal(null);
    await expectDomainError(
      searchMicroposts(context(), {
        query: tag,
        order: 'newest',
        paging: { kind: 'cursor', cursor: first.nextCursor, limit: 2 },
      }),
      'bad_cursor',
    );
  });
});
